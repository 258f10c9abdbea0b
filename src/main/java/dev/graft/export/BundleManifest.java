package dev.graft.export;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import dev.graft.config.EvaluationConfig;
import dev.graft.config.HeadConfig;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bundle's {@code bundle.json}: what it holds, where it came from and how its probabilities are to be read.
 * Bundles of layout version 1 have no {@code temperature} and {@code decision}; they load as uncalibrated
 * (temperature 1) without a decision. Versions before 3 have no {@code problem}; they are single-label.
 *
 * @param formatVersion  version of this bundle layout ({@value #FORMAT_VERSION}; 2 added {@code temperature} and
 *                       {@code decision}, 3 {@code problem}, {@code label_thresholds} and {@code target}, 4
 *                       {@code tta})
 * @param graftVersion   the Graft version that exported it
 * @param created        export time, ISO-8601
 * @param name           the experiment name
 * @param arch           the backbone architecture id
 * @param sourceRun      the run folder exported (absolute), or null when only a checkpoint was given
 * @param checkpoint     the checkpoint file exported
 * @param epoch          epochs completed when that checkpoint was written
 * @param formats        model formats present: {@code dl4j}, {@code onnx}
 * @param classes        number of classes
 * @param temperature    the calibration temperature already folded into the models' output layer (their
 *                       probabilities are the calibrated ones); 1 when uncalibrated or absent
 * @param decision       binary tasks: the positive class and threshold chosen on validation; else null
 * @param problem        {@code single_label} (softmax), {@code multi_label} (a sigmoid per label) or
 *                       {@code regression} (one value); null in bundles before version 3 means single-label
 * @param labelThresholds multi-label: each label's decision threshold (present when its probability is {@code >=}
 *                       it), tuned on validation; else null
 * @param thresholdRule  multi-label: how those thresholds were chosen; else null
 * @param target         regression: the target and the standardisation folded into the output layer; else null
 * @param tta            test-time augmentation every engine applies ({@code evaluation.tta}: the outputs are averaged
 *                       over every combination of these flips); null or empty for none
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record BundleManifest(int formatVersion, String graftVersion, String created, String name, String arch,
                             String sourceRun, String checkpoint, int epoch, List<String> formats, int classes,
                             Double temperature, Threshold decision, String problem,
                             @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Double> labelThresholds,
                             @JsonInclude(JsonInclude.Include.NON_NULL) String thresholdRule,
                             @JsonInclude(JsonInclude.Include.NON_NULL) Target target,
                             @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> tta) {
    /** The current layout version; readers refuse a newer one. */
    public static final int FORMAT_VERSION = 4;

    public BundleManifest {
        problem = problem == null ? HeadConfig.Problem.SINGLE_LABEL.toString() : problem;
        problemOf(problem);
        labelThresholds = labelThresholds == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(
                labelThresholds));
        formats = List.copyOf(formats);
        tta = tta == null ? List.of() : List.copyOf(tta);
        ttaFlips(tta);
        temperature = temperature == null ? 1.0 : temperature;
        if (!(temperature > 0) || temperature.isInfinite()) {
            throw new IllegalArgumentException("temperature must be a positive number, was " + temperature);
        }
    }

    /** The flips of {@link #tta()} as the config names them. */
    public List<EvaluationConfig.Tta> ttaFlips() {
        return ttaFlips(tta);
    }

    private static List<EvaluationConfig.Tta> ttaFlips(List<String> names) {
        return names.stream().map(n -> java.util.Arrays.stream(EvaluationConfig.Tta.values())
                .filter(t -> t.toString().equals(n)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                        "unknown tta view '" + n + "' (hflip or vflip)"))).toList();
    }

    /** The head's problem type ({@code single_label} for bundles before version 3). */
    public HeadConfig.Problem problemType() {
        return problemOf(problem);
    }

    private static HeadConfig.Problem problemOf(String problem) {
        for (HeadConfig.Problem p : HeadConfig.Problem.values()) {
            if (p.toString().equals(problem)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown problem '" + problem + "' (single_label, multi_label or "
                + "regression)");
    }

    /**
     * A regression head's target. The models already output it in its own units: the standardisation the network
     * was trained on, {@code (y - trainingMean) / trainingStd}, is folded into the output layer.
     *
     * @param name         the target (the CSV column it was read from)
     * @param trainingMean the training split's mean of the target
     * @param trainingStd  its standard deviation
     * @param note         what this means for someone reading the model files
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Target(String name, double trainingMean, double trainingStd, String note) {
        /** The note every export writes. */
        public static final String FOLDED = "the models output the target in its own units: the standardisation "
                + "(y - training_mean) / training_std used in training is folded into the output layer";

        public Target {
            if (name == null) {
                throw new IllegalArgumentException("a regression target needs its name");
            }
        }
    }

    /**
     * A binary decision rule: an image is called {@code positiveClass} when that class's (calibrated)
     * probability is {@code >= threshold}, otherwise the other class.
     *
     * @param operatingPoint how the threshold was chosen on validation, as the config wrote it ({@code youden},
     *                       {@code {sensitivity: 0.95}}, ...)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Threshold(String positiveClass, Double threshold, String operatingPoint) {
        public Threshold {
            if (positiveClass == null) {
                throw new IllegalArgumentException("a decision needs its positive_class");
            }
            if (threshold == null || threshold.isNaN()) {
                throw new IllegalArgumentException("a decision needs a numeric threshold");
            }
        }
    }
}
