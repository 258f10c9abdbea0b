package dev.graft.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One searched config key of a sweep and the values it may take: a range ({@code log_uniform},
 * {@code uniform}, {@code int_uniform}: {@code [low, high]}, both ends included) or a list of choices
 * (any YAML values, e.g. {@code [[stem, stage1], all]}).
 *
 * @param path    the experiment config key, dotted ({@code train.optimizer.lr})
 * @param choices the values of a {@code choice}; empty for ranges
 */
public record SearchDomain(String path, Kind kind, double low, double high, List<JsonNode> choices) {

    /** How the values are drawn. */
    public enum Kind {
        /** Log-uniform between two positive numbers (learning rates, weight decay). */
        LOG_UNIFORM,
        /** Uniform between two numbers. */
        UNIFORM,
        /** Uniform over the integers from low to high. */
        INT_UNIFORM,
        /** One of a list of values. */
        CHOICE;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The YAML keys, in the order the docs list them. */
        public static List<String> keys() {
            return Arrays.stream(values()).map(Kind::toString).toList();
        }

        static Optional<Kind> byKey(String key) {
            return Arrays.stream(values()).filter(k -> k.toString().equals(key)).findFirst();
        }
    }

    /** A value checked before the sweep starts: where it comes from in the sweep file, and its YAML text. */
    public record Probe(String label, String yaml) {
    }

    public SearchDomain {
        choices = List.copyOf(choices);
    }

    /** True for the numeric ranges. */
    public boolean isRange() {
        return kind != Kind.CHOICE;
    }

    /**
     * The values validated up front: every choice, or both ends of a range (the checks on numeric keys are
     * bounds, so the ends stand for the values between them).
     */
    public List<Probe> probes() {
        List<Probe> out = new ArrayList<>();
        String prefix = "space." + path + "." + kind;
        if (kind == Kind.CHOICE) {
            for (int i = 0; i < choices.size(); i++) {
                out.add(new Probe(prefix + "[" + i + "]", choices.get(i).toString()));
            }
        } else {
            out.add(new Probe(prefix + "[0]", number(low)));
            out.add(new Probe(prefix + "[1]", number(high)));
        }
        return out;
    }

    /** How many values a grid search takes from this domain. */
    public int gridValues(int gridPoints) {
        return switch (kind) {
            case CHOICE -> choices.size();
            case INT_UNIFORM -> (int) Math.min(gridPoints, (long) high - (long) low + 1);
            default -> gridPoints;
        };
    }

    /** The YAML form, {@code {log_uniform: [1.0e-5, 1.0e-2]}}. */
    Map<String, Object> yaml() {
        Map<String, Object> out = new LinkedHashMap<>();
        if (kind == Kind.CHOICE) {
            out.put(kind.toString(), choices);
        } else if (kind == Kind.INT_UNIFORM) {
            out.put(kind.toString(), List.of((long) low, (long) high));
        } else {
            out.put(kind.toString(), List.of(low, high));
        }
        return out;
    }

    SearchDomain withChoices(List<JsonNode> newChoices) {
        return new SearchDomain(path, kind, low, high, newChoices);
    }

    private String number(double value) {
        return kind == Kind.INT_UNIFORM ? String.valueOf((long) value) : String.valueOf(value);
    }
}
