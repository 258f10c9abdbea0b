package dev.graft.train;

import dev.graft.config.ExperimentConfig;
import dev.graft.config.YamlFiles;
import dev.graft.metrics.ClassStats;
import dev.graft.metrics.MetricsSummary;
import dev.graft.run.RunDirectory;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * PNG plots (loss, top-1/top-k, confusion matrix; XChart) and a self-contained {@code report.html} (images
 * embedded) that a person can open: what was trained, how it went, how good the best epoch is per class,
 * what the data looked like and what produced the run.
 */
public final class RunReport {
    private final RunDirectory run;
    private final ExperimentConfig config;
    private final List<String> classes;

    RunReport(RunDirectory run, ExperimentConfig config, List<String> classes) {
        this.run = run;
        this.config = config;
        this.classes = classes;
    }

    /**
     * Writes the plots and report.html.
     *
     * @param best            validation metrics of the best epoch; null when unknown
     * @param evaluation      a single-label model's final evaluation ({@link FinalEvaluation}); null until
     *                        training has ended, and for other heads
     * @param finalCheckpoint the checkpoint final evaluation scored, once training has ended: adds the final
     *                        model's sections and the galleries; null during training
     */
    void write(List<EpochRecord> history, int bestEpoch, MetricsSummary best, FinalEvaluation.Outcome evaluation,
               Path finalCheckpoint) {
        boolean ema = config.train().ema().enabled(); // val is the weight average's; raw val the weights'
        List<Series> lossSeries = new java.util.ArrayList<>(List.of(new Series("train", EpochRecord::trainLoss),
                new Series(ema ? "val (EMA)" : "val", EpochRecord::valLoss)));
        List<Series> accuracySeries = new java.util.ArrayList<>(List.of(
                new Series("train top-1", EpochRecord::trainTop1),
                new Series(ema ? "val top-1 (EMA)" : "val top-1", EpochRecord::valTop1),
                new Series("val top-" + Math.min(5, classes.size()), EpochRecord::valTop5),
                new Series("val balanced acc.", EpochRecord::valBalancedAccuracy)));
        if (ema) {
            lossSeries.add(new Series("val (raw weights)", r -> r.metric(EpochRecord.RAW_VAL_LOSS)));
            accuracySeries.add(new Series("val top-1 (raw weights)", r -> r.metric(EpochRecord.RAW_VAL_TOP1)));
        }
        byte[] loss = png(curves("Loss", "loss", history, lossSeries));
        byte[] accuracy = png(singleLabel() ? curves("Accuracy", "accuracy", history, accuracySeries)
                : curves("Validation", "value", history, EpochRecord.scoreNames(config.head().problem()).stream()
                        .map(n -> new Series("val " + n, r -> r.metric("val_" + n))).toList()));
        byte[] confusion = best == null ? null : png(confusion(best));
        run.writeBytes("plots/loss.png", loss);
        run.writeBytes("plots/accuracy.png", accuracy);
        if (confusion != null) {
            run.writeBytes("plots/confusion-best.png", confusion);
        }
        String finalSection = finalCheckpoint == null ? "" : finalSections(evaluation, finalCheckpoint);
        run.writeString("report.html", html(history, bestEpoch, best, loss, accuracy, confusion, finalSection));
    }

    /** The final model's metrics and plots, then the galleries of its images. */
    private String finalSections(FinalEvaluation.Outcome evaluation, Path checkpoint) {
        String metrics = evaluation != null ? new EvaluationReport(run, evaluation).html()
                : new TargetReport(run, config.head().problem()).html();
        return metrics + new GalleryReport(run.path(), config, checkpoint).html();
    }

    private boolean singleLabel() {
        return config.head().problem() == dev.graft.config.HeadConfig.Problem.SINGLE_LABEL;
    }

    /** The best-epoch sentence: a multi-label or regression head names its own metrics. */
    private String bestSentence(int bestEpoch, EpochRecord bestRecord, EpochRecord last) {
        if (!singleLabel()) {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "<p><b>Best epoch %d</b> by %s (%.4f, %s "
                    + "head):", bestEpoch, esc(config.checkpoint().monitor()),
                    bestRecord.metric(config.checkpoint().monitor()), config.head().problem()));
            EpochRecord.scoreNames(config.head().problem()).forEach(n -> b.append(String.format(Locale.ROOT,
                    " val %s %.4f,", n, bestRecord.metric("val_" + n))));
            return b.append(String.format(Locale.ROOT, " val loss %.4f.</p>", bestRecord.valLoss())).toString();
        }
        return String.format(Locale.ROOT, "<p><b>Best epoch %d</b> by %s (%.4f): val top-1 %s, balanced accuracy "
                        + "%s, macro-F1 %s, val loss %.4f. Last epoch: val top-1 %s.</p>", bestEpoch,
                esc(config.checkpoint().monitor()), bestRecord.metric(config.checkpoint().monitor()),
                RunFiles.pct(bestRecord.valTop1()),
                RunFiles.pct(bestRecord.valBalancedAccuracy()), RunFiles.pct(bestRecord.valMacroF1()),
                bestRecord.valLoss(), RunFiles.pct(last.valTop1()));
    }

    private record Series(String name, ToDoubleFunction<EpochRecord> value) {
    }

    private XYChart curves(String title, String yLabel, List<EpochRecord> history, List<Series> series) {
        XYChart chart = new XYChartBuilder().width(640).height(400).title(title).xAxisTitle("epoch")
                .yAxisTitle(yLabel).build();
        double[] epochs = history.stream().mapToDouble(EpochRecord::epoch).toArray();
        for (Series s : series) {
            double[] values = history.stream().mapToDouble(s.value()).toArray();
            chart.addSeries(s.name(), epochs, values);
        }
        return chart;
    }

    private HeatMapChart confusion(MetricsSummary best) {
        HeatMapChart chart = new HeatMapChartBuilder().width(640).height(560).title("Confusion matrix (best epoch)")
                .xAxisTitle("predicted").yAxisTitle("true").build();
        chart.getStyler().setShowValue(true);
        List<Number[]> cells = new ArrayList<>();
        int n = classes.size();
        for (int t = 0; t < n; t++) {
            for (int p = 0; p < n; p++) {
                cells.add(new Number[] {p, n - 1 - t, best.confusion()[t][p]});
            }
        }
        List<String> reversed = new ArrayList<>(classes);
        java.util.Collections.reverse(reversed);
        chart.addSeries("count", classes, reversed, cells);
        return chart;
    }

    /** A chart rendered as PNG bytes (also used for sweep plots). */
    public static byte[] png(Chart<?, ?> chart) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
            return out.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private String html(List<EpochRecord> history, int bestEpoch, MetricsSummary best, byte[] loss,
                        byte[] accuracy, byte[] confusion, String finalSection) {
        EpochRecord last = history.get(history.size() - 1);
        EpochRecord bestRecord = history.stream().filter(r -> r.epoch() == bestEpoch).findFirst().orElse(last);
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html><html><head><meta charset='utf-8'><title>Graft run ")
                .append(esc(config.name())).append("</title><style>body{font-family:sans-serif;max-width:1000px;"
                        + "margin:2em auto;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
                        + "padding:3px 8px;text-align:right}.wide{overflow-x:auto}.wide table{font-size:12px}.wide td,.wide th{padding:2px 5px}th{background:#f3f3f3}pre{background:#f7f7f7;"
                        + "padding:1em;overflow:auto}img{max-width:100%}").append(GalleryReport.CSS)
                .append("</style></head><body>");
        h.append("<h1>").append(esc(config.name())).append("</h1><p>").append(esc(run.path().toString()))
                .append("</p>");
        h.append("<h2>Summary</h2><p>").append(esc(config.arch().id())).append(" from <code>")
                .append(esc(config.backbone().weights())).append("</code>, frozen at start: <code>")
                .append(esc(String.valueOf(config.backbone().freeze().yaml()))).append("</code>, ")
                .append(classes.size()).append(" classes, ").append(history.size()).append(" of ")
                .append(config.train().epochs()).append(" epochs, ").append(config.imageSize()).append(" px.</p>");
        h.append(bestSentence(bestEpoch, bestRecord, last));
        h.append("<h2>Curves</h2>").append(img(loss)).append(img(accuracy));
        h.append("<h2>Epochs</h2>").append(epochsTable(history));
        if (best != null) {
            h.append("<h2>Per class (best epoch, validation)</h2><table><tr><th>class</th><th>precision</th>"
                    + "<th>recall</th><th>F1</th><th>support</th></tr>");
            for (ClassStats c : best.perClass()) {
                h.append(String.format(Locale.ROOT, "<tr><td style='text-align:left'>%s</td><td>%.3f</td>"
                                + "<td>%.3f</td><td>%.3f</td><td>%d</td></tr>", esc(c.name()), c.precision(),
                        c.recall(), c.f1(), c.support()));
            }
            h.append("</table><h2>Confusion matrix (rows: true, columns: predicted)</h2>").append(img(confusion));
        }
        h.append(finalSection);
        h.append("<h2>Data</h2><pre>").append(esc(read("data-report.json"))).append("</pre>");
        h.append("<h2>Config (resolved)</h2><pre>").append(esc(YamlFiles.toYaml(config))).append("</pre>");
        h.append("<h2>Provenance</h2><pre>").append(esc(read(RunDirectory.PROVENANCE))).append("</pre>");
        h.append("</body></html>\n");
        return h.toString();
    }

    /** The columns a reader compares, rounded so the table fits the page; metrics.csv has every column. */
    private static String epochsTable(List<EpochRecord> history) {
        List<String> heads = List.of("epoch", "lr", "train loss", "train top-1", "val loss", "val top-1",
                "val top-k", "bal. acc.", "macro-F1", "AUROC", "PR AUC", "ECE", "seconds", "img/s", "frozen");
        StringBuilder t = new StringBuilder("<div class='wide'><table><tr>");
        heads.forEach(c -> t.append("<th>").append(c).append("</th>"));
        t.append("</tr>");
        for (EpochRecord r : history) {
            t.append("<tr><td>").append(r.epoch()).append("</td><td>").append(String.format(Locale.ROOT, "%.2g",
                    r.lr())).append("</td>");
            for (double v : new double[] {r.trainLoss(), r.trainTop1(), r.valLoss(), r.valTop1(), r.valTop5(),
                    r.valBalancedAccuracy(), r.valMacroF1(), r.metric("val_auroc"), r.metric("val_pr_auc"),
                    r.metric("val_ece")}) {
                t.append("<td>").append(Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "")
                        .append("</td>");
            }
            t.append(String.format(Locale.ROOT, "<td>%.1f</td><td>%.1f</td>", r.seconds(), r.imagesPerSecond()))
                    .append("<td style='text-align:left'>").append(esc(r.frozen())).append("</td></tr>");
        }
        return t.append("</table></div>").toString();
    }

    private String read(String file) {
        Path p = run.resolve(file);
        try {
            return Files.exists(p) ? Files.readString(p) : "(" + file + " not written)";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    static String img(byte[] png) {
        return png == null ? "" : "<p><img src='data:image/png;base64," + Base64.getEncoder().encodeToString(png)
                + "'></p>";
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
