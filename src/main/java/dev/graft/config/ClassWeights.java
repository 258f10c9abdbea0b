package dev.graft.config;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** Loss weights per class: {@code none}, {@code auto} (inverse frequency, normalised) or an explicit list. */
public record ClassWeights(Mode mode, List<Double> weights) {
    public enum Mode { NONE, AUTO, EXPLICIT }

    public ClassWeights {
        weights = List.copyOf(weights);
    }

    public static ClassWeights none() {
        return new ClassWeights(Mode.NONE, List.of());
    }

    public static ClassWeights auto() {
        return new ClassWeights(Mode.AUTO, List.of());
    }

    public static ClassWeights fromYaml(JsonNode node, String path, ConfigErrors errors, RecordBinder binder) {
        if (node.isTextual() && node.asText().equalsIgnoreCase("auto")) {
            return auto();
        }
        if (node.isTextual() && node.asText().equalsIgnoreCase("none")) {
            return none();
        }
        if (node.isArray()) {
            List<Double> values = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                JsonNode item = node.get(i);
                if (!item.isNumber() || item.asDouble() <= 0) {
                    errors.add(path + "[" + i + "]", "must be a number > 0 (was " + RecordBinder.describe(item) + ")");
                } else {
                    values.add(item.asDouble());
                }
            }
            return new ClassWeights(Mode.EXPLICIT, values);
        }
        errors.add(path, "must be auto, none or a list of numbers, one per class (was "
                + RecordBinder.describe(node) + ")");
        return null;
    }

    @JsonValue
    public Object yaml() {
        return switch (mode) {
            case NONE -> "none";
            case AUTO -> "auto";
            case EXPLICIT -> weights;
        };
    }
}
