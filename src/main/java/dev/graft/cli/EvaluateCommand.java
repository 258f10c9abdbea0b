package dev.graft.cli;

import dev.graft.metrics.ClassStats;
import dev.graft.metrics.MetricsSummary;
import dev.graft.run.NativeBackend;
import dev.graft.train.TestSetEvaluation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code graft evaluate}: a trained model's metrics on its run's test split or a labelled folder. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Score a trained model on its test split or a labelled folder.",
                "Without --data the run's own test split (data.test, data.split.test) is scored into the run folder "
                        + "(test-metrics.json, test-predictions.csv); --data DIR scores a folder with one sub-folder "
                        + "per class. The run's decision.json (temperature, threshold) is applied.",
                "A multi-label or regression model scores its run's test split only (test-metrics.json with, for "
                        + "multi-label, each label's F1 at the decision.json thresholds)."})
final class EvaluateCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(EvaluateCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "RUN_DIR|CHECKPOINT",
            description = "A run folder (uses checkpoints/best.zip) or a checkpoint .zip.")
    Path model;

    @Option(names = {"-d", "--data"}, paramLabel = "DIR",
            description = "Labelled images, one sub-folder per class (default: the run's own test split).")
    Path data;

    @Option(names = "--out", paramLabel = "CSV",
            description = "Per-image predictions (default: test-predictions.csv in the run folder; with --data, "
                    + "predictions.csv here). The metrics go next to it as <name>-metrics.json with --data.")
    Path out;

    @Override
    public Integer call() {
        LOG.info("graft {} | {}", GraftVersion.version(), NativeBackend.info().summary());
        Path csv = out != null ? out : data != null ? Path.of("predictions.csv") : null;
        TestSetEvaluation.Outcome outcome = TestSetEvaluation.run(model, data, csv);
        MetricsSummary m = outcome.metrics();
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "model      %s%n", outcome.checkpoint());
        w.printf(Locale.ROOT, "%s%n%n", outcome.line());
        if (m != null) {
            w.printf(Locale.ROOT, "%-24s %9s %9s %9s %8s%n", "class", "precision", "recall", "F1", "support");
            for (ClassStats c : m.perClass()) {
                w.printf(Locale.ROOT, "%-24s %9.3f %9.3f %9.3f %8d%n", c.name(), c.precision(), c.recall(), c.f1(),
                        c.support());
            }
        }
        w.printf("%nmetrics:     %s%npredictions: %s%n", outcome.metricsJson(), outcome.predictionsCsv());
        w.flush();
        return 0;
    }
}
