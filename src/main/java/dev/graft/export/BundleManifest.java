package dev.graft.export;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * A bundle's {@code bundle.json}: what it holds, where it came from and how its probabilities are to be read.
 * Bundles of layout version 1 have no {@code temperature} and {@code decision}; they load as uncalibrated
 * (temperature 1) without a decision.
 *
 * @param formatVersion  version of this bundle layout ({@value #FORMAT_VERSION}; 2 added {@code temperature} and
 *                       {@code decision})
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
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record BundleManifest(int formatVersion, String graftVersion, String created, String name, String arch,
                             String sourceRun, String checkpoint, int epoch, List<String> formats, int classes,
                             Double temperature, Threshold decision) {
    /** The current layout version. */
    public static final int FORMAT_VERSION = 2;

    public BundleManifest {
        formats = List.copyOf(formats);
        temperature = temperature == null ? 1.0 : temperature;
        if (!(temperature > 0) || temperature.isInfinite()) {
            throw new IllegalArgumentException("temperature must be a positive number, was " + temperature);
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
