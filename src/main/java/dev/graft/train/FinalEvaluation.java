package dev.graft.train;

import dev.graft.GraftException;
import dev.graft.config.ExperimentConfig;
import dev.graft.data.DataPipeline;
import dev.graft.data.Split;
import dev.graft.metrics.DecisionRule;
import dev.graft.model.TestTimeAugmentation;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * After training: the best checkpoint is scored once more on validation, where the {@link DecisionRule}
 * (temperature, binary threshold) is fitted and written to {@code decision.json}, then on the test split when the
 * data has one. Each split's metrics and predictions go to {@code <split>-metrics.json} and
 * {@code <split>-predictions.csv}, as inference will see them (calibrated, at the threshold).
 */
final class FinalEvaluation {
    private static final Logger LOG = LoggerFactory.getLogger(FinalEvaluation.class);

    private FinalEvaluation() {
    }

    /** Validation and, when there is one, test, scored with the fitted rule. */
    record Outcome(DecisionRule rule, ScoredSplit val, ScoredSplit test, Path checkpoint) {
    }

    /** Scores {@code best} (the run's best checkpoint, of epoch {@code epoch}) and writes the files to the run. */
    static Outcome run(ExperimentConfig config, DataPipeline data, Path best, Path runFolder) {
        Checkpoints.Loaded loaded = Checkpoints.read(best);
        ComputationGraph model = loaded.inferenceModel();
        List<String> classes = loaded.state().classes();
        int positive = PositiveClass.index(config.data(), classes);
        int batch = config.train().batchSize();
        TestTimeAugmentation tta = TestTimeAugmentation.of(config.evaluation().tta());
        Evaluator.Evaluation rawVal = Evaluator.evaluate(model, data.eval(Split.VAL, batch), classes,
                PositiveClass.forMetrics(positive), tta);
        DecisionRule rule = DecisionFitting.fit(config.evaluation(), rawVal.views(), classes, positive,
                loaded.state().completedEpochs());
        writeRule(rule, runFolder.resolve(DecisionRule.FILE));
        ScoredSplit val = ScoredSplit.of(Split.VAL, classes, rawVal, rule, tta.viewNames());
        SplitResultFiles.write(val, best, runFolder);
        LOG.info(line(val));
        ScoredSplit test = null;
        if (data.has(Split.TEST)) {
            test = score(model, data, Split.TEST, classes, rule, batch, tta);
            Path file = SplitResultFiles.write(test, best, runFolder);
            LOG.info("{} | {}", line(test), file);
        }
        return new Outcome(rule, val, test, best);
    }

    /** {@code split} of {@code data} scored by {@code model} with {@code rule} applied. */
    static ScoredSplit score(ComputationGraph model, DataPipeline data, Split split, List<String> classes,
                             DecisionRule rule, int batch, TestTimeAugmentation tta) {
        Evaluator.Evaluation raw = Evaluator.evaluate(model, data.eval(split, batch), classes,
                PositiveClass.forMetrics(rule.positiveIndex()), tta);
        return ScoredSplit.of(split, classes, raw, rule, tta.viewNames());
    }

    /** One console line: "test: 624 images, top-1 0.913, ..., sensitivity 0.95 / specificity 0.81 at 0.37". */
    static String line(ScoredSplit s) {
        var m = s.evaluation().summary();
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "%s: %d images, top-1 %.3f, balanced acc. %.3f, AUROC %.3f, PR AUC %.3f, ECE %.3f", s.split(),
                m.count(), m.top1(), m.balancedAccuracy(), s.score("auroc"), s.score("pr_auc"), s.score("ece")));
        if (s.rule().temperature() != 1.0) {
            b.append(String.format(Locale.ROOT, " (%.3f before temperature %.3f)", s.eceBefore(),
                    s.rule().temperature()));
        }
        if (s.withoutTta() != null) {
            var plain = s.withoutTta().evaluation().summary();
            b.append(String.format(Locale.ROOT, " [TTA %s; without: top-1 %.3f, AUROC %.3f]",
                    String.join(", ", s.tta()), plain.top1(), s.withoutTta().score("auroc")));
        }
        if (s.rule().binary()) {
            b.append(String.format(Locale.ROOT, "; %s: sensitivity %.3f, specificity %.3f, PPV %.3f, NPV %.3f "
                            + "at threshold %.4f (%s)", s.rule().positiveClass(), s.atThreshold().sensitivity(),
                    s.atThreshold().specificity(), s.atThreshold().ppv(), s.atThreshold().npv(),
                    s.rule().threshold(), s.rule().operatingPoint()));
        }
        return b.toString();
    }

    static void writeRule(DecisionRule rule, Path file) {
        try {
            dev.graft.AtomicFiles.writeString(file, rule.toJson());
        } catch (IOException e) {
            throw new GraftException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The rule a run folder holds for the checkpoint of {@code epoch}; empty when none or of another epoch. */
    static java.util.Optional<DecisionRule> readRule(Path runFolder, int epoch) {
        Path file = runFolder.resolve(DecisionRule.FILE);
        if (!Files.isRegularFile(file)) {
            return java.util.Optional.empty();
        }
        try {
            DecisionRule rule = DecisionRule.fromJson(Files.readString(file));
            return rule.checkpointEpoch() == epoch ? java.util.Optional.of(rule) : java.util.Optional.empty();
        } catch (IOException e) {
            throw new GraftException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
