package dev.graft.train;

import dev.graft.config.EvaluationConfig;
import dev.graft.config.OperatingPointChoice;
import dev.graft.metrics.BinaryCurve;
import dev.graft.metrics.DecisionRule;
import dev.graft.metrics.OperatingPoint;
import dev.graft.metrics.ScoredExamples;
import dev.graft.metrics.TemperatureScaling;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;

/**
 * Fits the {@link DecisionRule} of a trained checkpoint on its validation predictions: the temperature
 * ({@code evaluation.calibration: temperature}), then, for a binary task, the threshold of
 * {@code evaluation.operating_point} on the calibrated probabilities of the positive class.
 */
final class DecisionFitting {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionFitting.class);
    /** The threshold when validation cannot choose one (it lacks a class): the plain "more likely" rule. */
    static final double FALLBACK_THRESHOLD = 0.5;

    private DecisionFitting() {
    }

    /**
     * The rule for validation scored over test-time augmentation {@code views} (identity first): the temperature
     * is fitted on the image itself, the threshold on the mean of the views' calibrated probabilities, which is
     * what a bundle computes (temperature folded into the head, then the views averaged).
     */
    static DecisionRule fit(EvaluationConfig config, List<ScoredExamples> views, List<String> classes, int positive,
                            int epoch) {
        double temperature = config.calibration() == EvaluationConfig.Calibration.TEMPERATURE
                ? temperature(views.get(0)) : 1.0;
        DecisionRule calibrationOnly = new DecisionRule(epoch, temperature, null, PositiveClass.NONE, null, null);
        if (positive == PositiveClass.NONE) {
            return calibrationOnly;
        }
        ScoredExamples calibrated = calibrate(views, calibrationOnly);
        BinaryCurve curve = calibrated.curve(positive);
        OperatingPointChoice choice = config.operatingPoint();
        if (!curve.defined() && choice.kind() != OperatingPointChoice.Kind.THRESHOLD) {
            LOG.warn("validation has {} {} and {} other images: the operating point ({}) cannot be chosen there; "
                            + "using threshold {}", curve.positives(), classes.get(positive), curve.negatives(),
                    choice.describe(), FALLBACK_THRESHOLD);
            return new DecisionRule(epoch, temperature, classes.get(positive), positive, FALLBACK_THRESHOLD,
                    "threshold " + FALLBACK_THRESHOLD + " (validation lacks a class)");
        }
        double threshold = operatingPoint(choice).choose(curve);
        return new DecisionRule(epoch, temperature, classes.get(positive), positive, threshold, choice.describe());
    }

    /** The NLL-optimal temperature of the validation probabilities (their logs are the logits up to a shift). */
    static double temperature(ScoredExamples val) {
        if (val.size() == 0) {
            return 1.0;
        }
        double[][] logits = new double[val.size()][];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = DecisionRule.logitsOf(val.probabilities()[i]);
        }
        double t = TemperatureScaling.fit(logits, val.labels());
        LOG.info(String.format(Locale.ROOT, "calibration: temperature %.4f (validation NLL %.4f -> %.4f)", t,
                TemperatureScaling.nll(logits, val.labels(), 1.0), TemperatureScaling.nll(logits, val.labels(), t)));
        return t;
    }

    /** Every row of {@code s} through {@link DecisionRule#calibrate}. */
    static ScoredExamples calibrate(ScoredExamples s, DecisionRule rule) {
        double[][] rows = new double[s.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = rule.calibrate(s.probabilities()[i]);
        }
        return new ScoredExamples(rows, s.labels(), s.classes());
    }

    /** Each view calibrated by {@code rule}, then averaged (one view: just calibrated). */
    static ScoredExamples calibrate(List<ScoredExamples> views, DecisionRule rule) {
        List<ScoredExamples> calibrated = views.stream().map(v -> calibrate(v, rule)).toList();
        return calibrated.size() == 1 ? calibrated.get(0) : Evaluator.meanOf(calibrated);
    }

    static OperatingPoint operatingPoint(OperatingPointChoice choice) {
        return switch (choice.kind()) {
            case YOUDEN -> new OperatingPoint.Youden();
            case SENSITIVITY -> new OperatingPoint.Sensitivity(choice.value());
            case SPECIFICITY -> new OperatingPoint.Specificity(choice.value());
            case THRESHOLD -> new OperatingPoint.Threshold(choice.value());
        };
    }
}
