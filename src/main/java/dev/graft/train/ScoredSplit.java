package dev.graft.train;

import dev.graft.data.Split;
import dev.graft.metrics.DecisionRule;
import dev.graft.metrics.ProbabilityMetrics;
import dev.graft.metrics.ScoredExamples;
import dev.graft.metrics.ThresholdStats;

import java.util.List;

/**
 * A split scored by the final model as inference will see it: the probabilities after the run's
 * {@link DecisionRule} (calibrated), their metrics, the calibration error before calibration, and for a binary
 * task the confusion counts at the rule's threshold.
 *
 * @param uncalibrated the model's own probabilities, before the rule's temperature
 * @param eceBefore    the expected calibration error of the uncalibrated probabilities
 * @param atThreshold  binary tasks: sensitivity, specificity, PPV, NPV at the rule's threshold; else null
 * @param tta          the test-time augmentation views averaged ({@code identity} alone when none)
 * @param withoutTta   with test-time augmentation, the same split scored on the images alone (same rule); else null
 */
record ScoredSplit(Split split, List<String> classes, Evaluator.Evaluation evaluation, DecisionRule rule,
                   ScoredExamples uncalibrated, double eceBefore, ThresholdStats atThreshold, List<String> tta,
                   ScoredSplit withoutTta) {

    /** Applies {@code rule} to an uncalibrated evaluation (over test-time augmentation views, when it has them). */
    static ScoredSplit of(Split split, List<String> classes, Evaluator.Evaluation raw, DecisionRule rule,
                          List<String> viewNames) {
        ScoredSplit tta = of(split, classes, raw, rule);
        if (raw.views().size() == 1) {
            return tta;
        }
        Evaluator.Evaluation identity = Evaluator.of(raw.views().get(0), raw.paths(), classes,
                PositiveClass.forMetrics(rule.positiveIndex()));
        return new ScoredSplit(split, classes, tta.evaluation, rule, tta.uncalibrated, tta.eceBefore, tta.atThreshold,
                viewNames, of(split, classes, identity, rule));
    }

    /** Applies {@code rule} to an uncalibrated evaluation. */
    static ScoredSplit of(Split split, List<String> classes, Evaluator.Evaluation raw, DecisionRule rule) {
        int metricsPositive = PositiveClass.forMetrics(rule.positiveIndex());
        Evaluator.Evaluation calibrated = rule.temperature() == 1.0 ? raw
                : Evaluator.of(DecisionFitting.calibrate(raw.views(), rule), raw.paths(), classes, metricsPositive);
        ThresholdStats stats = rule.binary()
                ? calibrated.scored().curve(rule.positiveIndex()).at(rule.threshold()) : null;
        double eceBefore = raw.scores().get("ece"); // the uncalibrated pass computed it (NaN when empty)
        return new ScoredSplit(split, classes, calibrated, rule, raw.scored(), eceBefore, stats, List.of("identity"),
                null);
    }

    /** The same scores under another split's name (a labelled folder scored as a test set). */
    ScoredSplit as(Split other) {
        return new ScoredSplit(other, classes, evaluation, rule, uncalibrated, eceBefore, atThreshold, tta,
                withoutTta == null ? null : withoutTta.as(other));
    }

    /** One-vs-rest ROC AUC per class (NaN where a class lacks positives or negatives). */
    double[] perClassAuroc() {
        return ProbabilityMetrics.perClassAuroc(evaluation.scored());
    }

    /** One-vs-rest average precision per class. */
    double[] perClassAveragePrecision() {
        return ProbabilityMetrics.perClassAveragePrecision(evaluation.scored());
    }

    /** A threshold-free metric of the calibrated probabilities: auroc, pr_auc, log_loss, brier, ece. */
    double score(String name) {
        return evaluation.scores().getOrDefault(name, Double.NaN);
    }

    /** The class each example is decided as: a binary rule's threshold decision, else the most probable class. */
    int decided(int example) {
        return rule.binary() ? rule.decidedIndex(evaluation.scored().probabilities()[example], classes)
                : evaluation.scored().predicted(example);
    }
}
