package dev.graft.train;

import dev.graft.config.ExperimentConfig;
import dev.graft.metrics.ClassStats;
import dev.graft.metrics.MetricsSummary;
import dev.graft.run.RunDirectory;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The files a training run adds to its folder: {@code metrics.csv} (one row per epoch, stable columns),
 * {@code metrics.json}, {@code confusion-<epoch>.csv} / {@code confusion-best.csv}, plots and
 * {@code report.html}; checkpoints live in {@code checkpoints/}.
 */
final class RunFiles {
    /**
     * How often the report is rendered during training. Plots and HTML take a few hundred ms, a small run's epoch a
     * few seconds: rendering after every epoch made the report a tenth of a short run. The final report is always
     * written, and so is a pending one when a run ends early ({@link #flushReport}).
     */
    private static final long REPORT_INTERVAL_NANOS = 30_000_000_000L;

    private final RunDirectory run;
    private final ExperimentConfig config;
    private final List<String> classes;
    private final Map<Integer, MetricsSummary> validation = new LinkedHashMap<>();
    private long lastReportNanos = System.nanoTime();
    /** The in-training report not rendered yet (the interval had not passed), or null. */
    private Runnable pendingReport;

    RunFiles(RunDirectory run, ExperimentConfig config, List<String> classes) {
        this.run = run;
        this.config = config;
        this.classes = List.copyOf(classes);
    }

    Path last() {
        return run.resolve("checkpoints").resolve("last.zip");
    }

    void writeEpoch(EpochRecord record, MetricsSummary val, List<EpochRecord> history) {
        validation.put(record.epoch(), val);
        writeMetrics(history, perClass(val));
        run.writeString("confusion-" + record.epoch() + ".csv", confusionCsv(val));
    }

    /** A multi-label or regression epoch: metrics.csv and metrics.json ({@code lastValidation}: its details). */
    void writeEpoch(List<EpochRecord> history, Map<String, Object> lastValidation) {
        writeMetrics(history, lastValidation);
    }

    private void writeMetrics(List<EpochRecord> history, Map<String, Object> lastValidation) {
        var problem = config.head().problem();
        boolean raw = config.train().ema().enabled();
        StringBuilder csv = new StringBuilder(String.join(",", EpochRecord.columns(problem, raw))).append('\n');
        history.forEach(r -> csv.append(r.csvRow(problem, raw)).append('\n'));
        run.writeString("metrics.csv", csv.toString());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("monitor", config.checkpoint().monitor());
        json.put(problem == dev.graft.config.HeadConfig.Problem.SINGLE_LABEL ? "classes" : "outputs", classes);
        json.put("epochs", history);
        json.put("last_validation", lastValidation);
        run.writeJson("metrics.json", json);
    }

    void writeBestConfusion(MetricsSummary val, int epoch) {
        run.writeString("confusion-best.csv", confusionCsv(val));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("epoch", epoch);
        json.put("monitor", config.checkpoint().monitor());
        json.put("validation", perClass(val));
        run.writeJson("best-metrics.json", json);
    }

    /**
     * The report during training: curves and tables of the epochs so far; rendered now when the last one is
     * older than 30 s, else held back until the next epoch, the final report or {@link #flushReport}.
     */
    void writeReport(List<EpochRecord> history, List<TrainState.BestCheckpoint> best) {
        List<EpochRecord> epochs = List.copyOf(history);
        List<TrainState.BestCheckpoint> kept = List.copyOf(best);
        pendingReport = () -> write(epochs, kept, null, null);
        if (System.nanoTime() - lastReportNanos >= REPORT_INTERVAL_NANOS) {
            flushReport();
        }
    }

    /** Renders the in-training report that {@link #writeReport(List, List)} held back, if any. */
    void flushReport() {
        if (pendingReport != null) {
            pendingReport.run();
            pendingReport = null;
            lastReportNanos = System.nanoTime();
        }
    }

    /** A single-label run's final report: adds the final model's {@code evaluation} and the galleries. */
    void writeReport(List<EpochRecord> history, List<TrainState.BestCheckpoint> best,
                     FinalEvaluation.Outcome evaluation) {
        pendingReport = null;
        write(history, best, evaluation, evaluation.checkpoint());
    }

    /**
     * A multi-label or regression run's final report: adds what {@link TargetFinalEvaluation} wrote for
     * {@code checkpoint} (the best one) and the galleries.
     */
    void writeFinalReport(List<EpochRecord> history, List<TrainState.BestCheckpoint> best, Path checkpoint) {
        pendingReport = null;
        write(history, best, null, checkpoint);
    }

    private void write(List<EpochRecord> history, List<TrainState.BestCheckpoint> best,
                       FinalEvaluation.Outcome evaluation, Path finalCheckpoint) {
        int bestEpoch = best.isEmpty() ? history.get(history.size() - 1).epoch() : best.get(0).epoch();
        MetricsSummary bestVal = validation.get(bestEpoch);
        new RunReport(run, config, classes).write(history, bestEpoch, bestVal, evaluation, finalCheckpoint);
    }

    private Map<String, Object> perClass(MetricsSummary val) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", val.count());
        out.put("loss", val.loss());
        out.put("top1", val.top1());
        out.put("top" + val.k(), val.topK());
        out.put("balanced_accuracy", val.balancedAccuracy());
        out.put("macro_f1", val.macroF1());
        out.put("per_class", val.perClass());
        return out;
    }

    /** Rows are true classes, columns predicted classes. */
    static String confusionCsv(MetricsSummary val) {
        StringBuilder csv = new StringBuilder("true\\predicted");
        for (ClassStats c : val.perClass()) {
            csv.append(',').append(c.name());
        }
        csv.append('\n');
        for (int i = 0; i < val.confusion().length; i++) {
            csv.append(val.perClass().get(i).name());
            for (long n : val.confusion()[i]) {
                csv.append(',').append(n);
            }
            csv.append('\n');
        }
        return csv.toString();
    }

    static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
