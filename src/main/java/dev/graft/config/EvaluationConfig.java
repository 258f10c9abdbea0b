package dev.graft.config;

import java.util.Locale;

/**
 * {@code evaluation:} what happens after training on the best checkpoint: calibration and a binary task's
 * operating point are fitted on validation (written to {@code decision.json}, carried into the bundle), then the
 * test split, when the data has one, is scored once.
 */
public record EvaluationConfig(
        @Doc("Binary tasks: youden, {sensitivity: 0.95}, {specificity: 0.9} or {threshold: 0.5}, chosen on val")
        OperatingPointChoice operatingPoint,
        @Doc("none, or temperature: fit one softmax temperature on val (NLL); stored in the bundle")
        Calibration calibration,
        @Doc("Test-time augmentation after training and in the bundle: [hflip], [vflip] or [hflip, vflip]; the "
                + "probabilities are averaged over every combination of the flips (with the image itself)")
        java.util.List<Tta> tta) implements ConfigSection {

    /** A label-preserving view for test-time augmentation. */
    public enum Tta {
        /** Mirror left-right. */
        HFLIP,
        /** Mirror top-bottom. */
        VFLIP;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Probability calibration after training. */
    public enum Calibration {
        NONE, TEMPERATURE;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static EvaluationConfig defaults() {
        return new EvaluationConfig(OperatingPointChoice.youden(), Calibration.NONE, java.util.List.of());
    }

    @Override
    public void validate(String path, ConfigErrors errors) {
        for (int i = 0; i < tta.size(); i++) {
            errors.check(tta.indexOf(tta.get(i)) == i, path + ".tta[" + i + "]", "'" + tta.get(i)
                    + "' is listed twice");
        }
    }
}
