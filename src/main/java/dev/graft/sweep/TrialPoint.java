package dev.graft.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * One candidate of the search: a value for each searched key, as YAML/JSON text ({@code 0.001},
 * {@code ["stem","stage1"]}, {@code "all"}) in the order of the sweep's space. Serializable, as Arbiter's
 * candidates must be.
 */
public record TrialPoint(List<String> values) implements Serializable {
    private static final ObjectMapper JSON = new ObjectMapper();

    public TrialPoint {
        values = List.copyOf(values);
    }

    /** Key to value, in the space's order. */
    public Map<String, String> byKey(List<String> keys) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            out.put(keys.get(i), values.get(i));
        }
        return out;
    }

    /** {@code key=value} overrides, as {@code --set} takes them. */
    public static List<String> overrides(Map<String, String> values) {
        List<String> out = new ArrayList<>();
        values.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    /** A value as a person reads it: {@code [stem, stage1]}, {@code all}, {@code 0.001}. */
    public static String display(String json) {
        return render(parse(json));
    }

    /** The number a value stands for, if it is one (for plots). */
    public static OptionalDouble numeric(String json) {
        JsonNode node = parse(json);
        return node.isNumber() ? OptionalDouble.of(node.asDouble()) : OptionalDouble.empty();
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not a JSON value: " + json, e);
        }
    }

    private static String render(JsonNode node) {
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(n -> items.add(render(n)));
            return "[" + String.join(", ", items) + "]";
        }
        if (node.isObject()) {
            List<String> items = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                items.add(e.getKey() + ": " + render(e.getValue()));
            }
            return "{" + String.join(", ", items) + "}";
        }
        return node.asText();
    }
}
