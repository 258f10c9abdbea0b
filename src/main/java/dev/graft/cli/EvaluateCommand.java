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

/** {@code graft evaluate}: a trained model's metrics on a labelled test folder, plus per-image predictions. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Score a trained model on a labelled image folder.",
                "The folder has one sub-folder per class; per-image predictions are written as CSV."})
final class EvaluateCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(EvaluateCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "RUN_DIR|CHECKPOINT",
            description = "A run folder (uses checkpoints/best.zip) or a checkpoint .zip.")
    Path model;

    @Option(names = {"-d", "--data"}, required = true, paramLabel = "DIR",
            description = "Labelled images, one sub-folder per class (the model's class names).")
    Path data;

    @Option(names = "--out", paramLabel = "CSV", defaultValue = "predictions.csv",
            description = "Per-image predictions (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--top", paramLabel = "K", defaultValue = "5", description = "Probabilities per image.")
    int top;

    @Override
    public Integer call() {
        LOG.info("graft {} | {}", GraftVersion.version(), NativeBackend.info().summary());
        TestSetEvaluation.Outcome outcome = TestSetEvaluation.run(model, data, out, top);
        MetricsSummary m = outcome.metrics();
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "model      %s%n", outcome.checkpoint());
        w.printf(Locale.ROOT, "images     %d%n", m.count());
        w.printf(Locale.ROOT, "loss       %.4f%n", m.loss());
        w.printf(Locale.ROOT, "top-1      %.4f%n", m.top1());
        w.printf(Locale.ROOT, "top-%d      %.4f%n", m.k(), m.topK());
        w.printf(Locale.ROOT, "bal. acc.  %.4f%n", m.balancedAccuracy());
        w.printf(Locale.ROOT, "macro-F1   %.4f%n%n", m.macroF1());
        w.printf(Locale.ROOT, "%-24s %9s %9s %9s %8s%n", "class", "precision", "recall", "F1", "support");
        for (ClassStats c : m.perClass()) {
            w.printf(Locale.ROOT, "%-24s %9.3f %9.3f %9.3f %8d%n", c.name(), c.precision(), c.recall(), c.f1(),
                    c.support());
        }
        w.printf("%npredictions: %s%n", outcome.predictionsCsv());
        w.flush();
        return 0;
    }
}
