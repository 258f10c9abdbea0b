package dev.graft.config;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * {@code train.loss}: a single-label head's training loss, {@code cross_entropy} (the default) or
 * {@code {focal: {gamma: 2}}} (softmax focal loss, Lin et al. 2017; {@code focal} alone means gamma 2). Both take
 * {@code data.class_weights} as per-class weights (the focal loss's alpha). Validation loss stays the plain
 * cross-entropy either way, so runs compare. A regression head's loss is {@code head.loss}.
 *
 * @param gamma the focal exponent; 0 for cross-entropy
 */
public record TrainLoss(Kind kind, double gamma) {
    /** The paper's default focusing exponent. */
    public static final double DEFAULT_GAMMA = 2.0;

    public enum Kind { CROSS_ENTROPY, FOCAL }

    public static TrainLoss crossEntropy() {
        return new TrainLoss(Kind.CROSS_ENTROPY, 0);
    }

    public static TrainLoss focal(double gamma) {
        return new TrainLoss(Kind.FOCAL, gamma);
    }

    public static TrainLoss fromYaml(JsonNode node, String path, ConfigErrors errors, RecordBinder binder) {
        if (node.isTextual() && node.asText().equals("cross_entropy")) {
            return crossEntropy();
        }
        if (node.isTextual() && node.asText().equals("focal")) {
            return focal(DEFAULT_GAMMA);
        }
        if (node.isObject() && node.has("focal")) {
            node.fieldNames().forEachRemaining(key -> errors.check(key.equals("focal"), path + "." + key,
                    "unknown key (allowed: focal; cross_entropy is written as a plain value)"));
            return focal(node.get("focal"), path + ".focal", errors);
        }
        errors.add(path, "must be cross_entropy or {focal: {gamma: number}} (was " + RecordBinder.describe(node)
                + ")");
        return null;
    }

    private static TrainLoss focal(JsonNode params, String path, ConfigErrors errors) {
        if (params.isNull()) {
            return focal(DEFAULT_GAMMA);
        }
        if (!params.isObject()) {
            errors.add(path, "must be a mapping {gamma: number} (was " + RecordBinder.describe(params) + ")");
            return null;
        }
        params.fieldNames().forEachRemaining(key -> errors.check(key.equals("gamma"), path + "." + key,
                "unknown key (allowed: gamma; the per-class alpha is data.class_weights)"));
        JsonNode gamma = params.get("gamma");
        if (gamma == null) {
            return focal(DEFAULT_GAMMA);
        }
        if (!gamma.isNumber() || gamma.asDouble() < 0 || gamma.asDouble() > 10) {
            errors.add(path + ".gamma", "must be a number in [0, 10] (was " + RecordBinder.describe(gamma) + ")");
            return null;
        }
        return focal(gamma.asDouble());
    }

    /** Written back as {@code cross_entropy} or {@code {focal: {gamma: g}}}. */
    @JsonValue
    public Object yaml() {
        return kind == Kind.CROSS_ENTROPY ? "cross_entropy" : Map.of("focal", Map.of("gamma", gamma));
    }
}
