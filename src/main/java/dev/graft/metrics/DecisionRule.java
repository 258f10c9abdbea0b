package dev.graft.metrics;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What post-training evaluation chose on the validation split and inference applies to a model's
 * probabilities: a calibration temperature and, for binary tasks, the positive class and its decision threshold;
 * for a multi-label head one threshold per label ({@link LabelThresholds}).
 * Training writes it as {@value #FILE} in the run folder; an export of the same checkpoint carries it into the
 * bundle (the temperature folded into the ONNX and DL4J output layer, the threshold in {@code bundle.json}).
 *
 * @param checkpointEpoch the epoch of the checkpoint it was chosen for (an export of another one must not use it)
 * @param temperature     the logits are divided by it; 1 means uncalibrated
 * @param positiveClass   binary tasks: the class whose probability is compared with the threshold; else null
 * @param positiveIndex   that class's index in label order; -1 when there is none
 * @param threshold       binary tasks: positive when its (calibrated) probability is {@code >=} this; else null
 * @param operatingPoint  how the threshold was chosen, as written in the config ({@code youden},
 *                        {@code {sensitivity: 0.95}}, ...); null for multi-class tasks
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DecisionRule(int checkpointEpoch, double temperature, String positiveClass, int positiveIndex,
                           Double threshold, String operatingPoint,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Double> labelThresholds) {
    /** The run-folder file training writes. */
    public static final String FILE = "decision.json";
    // Later versions may add fields; an older reader keeps what it knows.
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** The rule as {@value #FILE} holds it. */
    public String toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render a decision rule", e);
        }
    }

    /** Reads what {@link #toJson()} wrote. */
    public static DecisionRule fromJson(String json) throws JsonProcessingException {
        return JSON.readValue(json, DecisionRule.class);
    }

    public DecisionRule {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a positive number, was " + temperature);
        }
        if ((positiveClass == null) != (threshold == null)) {
            throw new IllegalArgumentException("a positive class and a threshold come together");
        }
        if (labelThresholds != null) {
            if (positiveClass != null) {
                throw new IllegalArgumentException("per-label thresholds are for a multi-label head, which has no "
                        + "positive class");
            }
            if (labelThresholds.values().stream().anyMatch(t -> t == null || t.isNaN())) {
                throw new IllegalArgumentException("every label threshold must be a number: " + labelThresholds);
            }
            labelThresholds = Collections.unmodifiableMap(new LinkedHashMap<>(labelThresholds));
        }
    }

    /** A single-label rule (no per-label thresholds). */
    public DecisionRule(int checkpointEpoch, double temperature, String positiveClass, int positiveIndex,
                        Double threshold, String operatingPoint) {
        this(checkpointEpoch, temperature, positiveClass, positiveIndex, threshold, operatingPoint, null);
    }

    /** A multi-label head's rule: {@code thresholds[j]} for {@code labels.get(j)}, uncalibrated. */
    public static DecisionRule ofLabelThresholds(int checkpointEpoch, List<String> labels, double[] thresholds) {
        if (labels.size() != thresholds.length) {
            throw new IllegalArgumentException(thresholds.length + " thresholds for " + labels.size() + " labels");
        }
        Map<String, Double> map = new LinkedHashMap<>();
        for (int j = 0; j < thresholds.length; j++) {
            map.put(labels.get(j), thresholds[j]);
        }
        return new DecisionRule(checkpointEpoch, 1.0, null, -1, null, LabelThresholds.RULE, map);
    }

    /** Whether this is a multi-label head's rule (a threshold per label). */
    public boolean perLabel() {
        return labelThresholds != null;
    }

    /** Multi-label: the thresholds in the order of {@code labels}; an error when they name other labels. */
    public double[] thresholdsFor(List<String> labels) {
        if (labelThresholds == null || !labelThresholds.keySet().equals(new java.util.HashSet<>(labels))) {
            throw new IllegalStateException("the rule's label thresholds " + (labelThresholds == null ? "(none)"
                    : labelThresholds.keySet()) + " do not match the labels " + labels);
        }
        return labels.stream().mapToDouble(labelThresholds::get).toArray();
    }

    /** Whether this rule has a binary decision (a positive class and a threshold). */
    public boolean binary() {
        return threshold != null;
    }

    /** Probabilities of an uncalibrated model after this rule's temperature: softmax(log p / T). */
    public double[] calibrate(double[] probabilities) {
        if (temperature == 1.0) {
            return probabilities.clone();
        }
        return TemperatureScaling.softmax(logitsOf(probabilities), temperature);
    }

    /**
     * Logits equivalent to a softmax output: log p, equal to the model's logits up to a per-row shift, which
     * softmax ignores (a probability that underflowed to 0 becomes a very negative logit).
     */
    public static double[] logitsOf(double[] probabilities) {
        double[] logits = new double[probabilities.length];
        for (int c = 0; c < logits.length; c++) {
            logits[c] = Math.log(Math.max(Double.MIN_NORMAL, probabilities[c]));
        }
        return logits;
    }

    /**
     * Binary tasks: whether calibrated {@code probabilities} call the positive class.
     *
     * @throws IllegalStateException for a rule without a threshold
     */
    public boolean positive(double[] calibratedProbabilities) {
        if (!binary()) {
            throw new IllegalStateException("a multi-class rule has no threshold");
        }
        return calibratedProbabilities[positiveIndex] >= threshold;
    }

    /** The class a binary rule decides for {@code calibratedProbabilities} (the other class when not positive). */
    public int decidedIndex(double[] calibratedProbabilities, List<String> classes) {
        if (classes.size() != 2) {
            throw new IllegalStateException("a decision threshold needs two classes, not " + classes.size());
        }
        return positive(calibratedProbabilities) ? positiveIndex : 1 - positiveIndex;
    }
}
