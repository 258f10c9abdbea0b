package dev.graft.config;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code head.pos_weight} of a multi-label head: how much more a positive cell of each label weighs in the binary
 * cross-entropy than a negative one (PyTorch's {@code BCEWithLogitsLoss(pos_weight=...)}), so a rare finding is
 * not learned as "always absent". {@code none} (all 1), {@code auto} (negatives / positives per label, counted on
 * the training split, capped at {@link #AUTO_CAP}), a list with one number per label in label order, or a map from
 * label name to number (labels it does not name keep 1).
 */
public record PosWeight(Mode mode, List<Double> values, Map<String, Double> byLabel) {
    /** {@code auto} never weighs a positive more than this: a label with 1 positive in 10,000 stays trainable. */
    public static final double AUTO_CAP = 100;

    public enum Mode { NONE, AUTO, LIST, MAP }

    public PosWeight {
        values = List.copyOf(values);
        byLabel = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byLabel));
    }

    public static PosWeight none() {
        return new PosWeight(Mode.NONE, List.of(), Map.of());
    }

    public static PosWeight auto() {
        return new PosWeight(Mode.AUTO, List.of(), Map.of());
    }

    public static PosWeight fromYaml(JsonNode node, String path, ConfigErrors errors, RecordBinder binder) {
        if (node.isTextual() && node.asText().equalsIgnoreCase("auto")) {
            return auto();
        }
        if (node.isTextual() && node.asText().equalsIgnoreCase("none")) {
            return none();
        }
        if (node.isArray()) {
            List<Double> values = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                Double w = weight(node.get(i), path + "[" + i + "]", errors);
                if (w != null) {
                    values.add(w);
                }
            }
            return new PosWeight(Mode.LIST, values, Map.of());
        }
        if (node.isObject()) {
            Map<String, Double> byLabel = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                Double w = weight(e.getValue(), path + "." + e.getKey(), errors);
                if (w != null) {
                    byLabel.put(e.getKey(), w);
                }
            }
            return new PosWeight(Mode.MAP, List.of(), byLabel);
        }
        errors.add(path, "must be none, auto, a list of numbers (one per label) or a map {label: number} (was "
                + RecordBinder.describe(node) + ")");
        return null;
    }

    private static Double weight(JsonNode item, String path, ConfigErrors errors) {
        if (!item.isNumber() || item.asDouble() <= 0) {
            errors.add(path, "must be a number > 0 (was " + RecordBinder.describe(item) + ")");
            return null;
        }
        return item.asDouble();
    }

    @JsonValue
    public Object yaml() {
        return switch (mode) {
            case NONE -> "none";
            case AUTO -> "auto";
            case LIST -> values;
            case MAP -> byLabel;
        };
    }
}
