package dev.graft.config;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code evaluation.operating_point}: how a binary task's decision threshold is chosen on validation:
 * {@code youden} (maximise sensitivity + specificity - 1), {@code {sensitivity: 0.95}} (the best specificity with
 * at least that sensitivity), {@code {specificity: 0.9}}, or a fixed {@code {threshold: 0.5}}.
 *
 * @param value the target rate or the threshold; NaN for youden
 */
public record OperatingPointChoice(Kind kind, double value) {
    /** The ways to choose a threshold. */
    public enum Kind {
        YOUDEN, SENSITIVITY, SPECIFICITY, THRESHOLD;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final List<String> FORMS = List.of("youden", "{sensitivity: 0.95}", "{specificity: 0.9}",
            "{threshold: 0.5}");

    public static OperatingPointChoice youden() {
        return new OperatingPointChoice(Kind.YOUDEN, Double.NaN);
    }

    public static OperatingPointChoice fromYaml(JsonNode node, String path, ConfigErrors errors,
                                                RecordBinder binder) {
        if (node.isTextual() && node.asText().equalsIgnoreCase("youden")) {
            return youden();
        }
        if (node.isObject() && node.size() == 1) {
            Map.Entry<String, JsonNode> entry = node.fields().next();
            Kind kind = kindOf(entry.getKey());
            if (kind == null || kind == Kind.YOUDEN) {
                errors.add(path + "." + entry.getKey(), RecordBinder.unknownValueMessage(entry.getKey(),
                        List.of("sensitivity", "specificity", "threshold")));
                return null;
            }
            JsonNode v = entry.getValue();
            if (!v.isNumber() || v.asDouble() < 0 || v.asDouble() > 1) {
                errors.add(path + "." + entry.getKey(), "must be a number in [0, 1] (was "
                        + RecordBinder.describe(v) + ")");
                return null;
            }
            return new OperatingPointChoice(kind, v.asDouble());
        }
        errors.add(path, "must be one of " + String.join(", ", FORMS) + " (was " + RecordBinder.describe(node) + ")");
        return null;
    }

    private static Kind kindOf(String key) {
        for (Kind k : Kind.values()) {
            if (k.toString().equals(key)) {
                return k;
            }
        }
        return null;
    }

    /** The form written in a config: {@code youden} or {@code {sensitivity: 0.95}}. */
    @JsonValue
    public Object yaml() {
        return kind == Kind.YOUDEN ? "youden" : Map.of(kind.toString(), value);
    }

    /** As a user reads it: {@code youden}, {@code sensitivity >= 0.95}, {@code threshold 0.5}. */
    public String describe() {
        return switch (kind) {
            case YOUDEN -> "youden";
            case SENSITIVITY -> "sensitivity >= " + ConfigErrors.fmt(value);
            case SPECIFICITY -> "specificity >= " + ConfigErrors.fmt(value);
            case THRESHOLD -> "threshold " + ConfigErrors.fmt(value);
        };
    }
}
