package dev.graft.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.GraftException;
import dev.graft.config.HeadConfig;
import dev.graft.data.Split;
import dev.graft.metrics.LabelScores;
import dev.graft.metrics.RegressionMetrics;
import dev.graft.run.RunDirectory;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's section on a multi-label or regression model after training (issue 17), from the files
 * {@link TargetFinalEvaluation} wrote: multi-label, a per-label table (prevalence, AUROC, average precision on
 * validation and, when scored, test) with per-label ROC and precision-recall curves; regression, MAE / RMSE / R²,
 * a predicted-vs-true scatter with the identity line and a residual-vs-predicted plot. Plots go to
 * {@code plots/} as PNG too.
 */
final class TargetReport {
    /** Curves are drawn for at most this many labels (more would be unreadable); the table lists all. */
    private static final int MAX_CURVES = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RunDirectory run;
    private final HeadConfig.Problem problem;
    private final List<Scored> splits = new ArrayList<>();

    /** A split's metrics file and predictions. */
    private record Scored(Split split, JsonNode metrics, PredictionsFile predictions) {
    }

    TargetReport(RunDirectory run, HeadConfig.Problem problem) {
        this.run = run;
        this.problem = problem;
        for (Split split : List.of(Split.VAL, Split.TEST)) {
            Path metrics = run.resolve(split.id() + "-metrics.json");
            Path csv = RunDirectory.predictionsCsv(run.path(), split.id());
            if (Files.isRegularFile(metrics) && Files.isRegularFile(csv)) {
                splits.add(new Scored(split, readJson(metrics), PredictionsFile.read(csv)));
            }
        }
    }

    /** The section's HTML; empty when final evaluation wrote no files. */
    String html() {
        if (splits.isEmpty()) {
            return "";
        }
        StringBuilder h = new StringBuilder("<h2>Final model</h2><p>Checkpoint <code>").append(RunReport.esc(
                splits.get(0).metrics().path("checkpoint").asText())).append("</code> (epoch ")
                .append(splits.get(0).metrics().path("epoch").asInt()).append(").</p>");
        if (problem == HeadConfig.Problem.MULTI_LABEL) {
            multiLabel(h);
        } else {
            regression(h);
        }
        if (splits.stream().noneMatch(s -> s.split() == Split.TEST)) {
            h.append("<p>No test split: set <code>data.test</code>, or <code>data.split.test</code> for root and "
                    + "CSV layouts, to have the final model scored once on held-out images.</p>");
        }
        return h.toString();
    }

    private void multiLabel(StringBuilder h) {
        h.append(summaryTable(List.of("mauroc", "micro_auroc", "map"), List.of("macro AUROC", "micro AUROC", "mAP")));
        List<String> labels = splits.get(0).predictions().suffixes("p_");
        // Thresholds tuned on validation add each label's threshold and F1 at it.
        boolean tuned = labelThresholds(run.resolve(Split.VAL.id() + "-metrics.json"), labels.size()) != null;
        h.append("<h3>Per label</h3><table><tr><th rowspan='2'>label</th>");
        splits.forEach(s -> h.append("<th colspan='").append(tuned ? 5 : 3).append("'>").append(s.split().id())
                .append("</th>"));
        h.append("</tr><tr>");
        splits.forEach(s -> h.append("<th>prevalence</th><th>AUROC</th><th>AP</th>")
                .append(tuned ? "<th>threshold</th><th>F1</th>" : ""));
        h.append("</tr>");
        List<LabelScores> scores = splits.stream().map(s -> s.predictions().labelScores()).toList();
        for (int j = 0; j < labels.size(); j++) {
            h.append("<tr><td style='text-align:left'>").append(RunReport.esc(labels.get(j))).append("</td>");
            for (int k = 0; k < splits.size(); k++) {
                JsonNode row = splits.get(k).metrics().path("per_label").path(j);
                h.append(EvaluationReport.cells(prevalence(scores.get(k), j),
                        number(row.path("auroc")), number(row.path("average_precision"))));
                if (tuned) {
                    h.append(EvaluationReport.cells(number(row.path("threshold")), number(row.path("f1"))));
                }
            }
            h.append("</tr>");
        }
        h.append("</table><p>Prevalence: the share of images with the label among those where it is known")
                .append(tuned ? "; threshold: tuned on validation, F1 at it" : "").append(".</p>");
        Scored shown = splits.get(splits.size() - 1);
        LabelScores curves = scores.get(scores.size() - 1);
        XYChart roc = EvaluationReport.square("ROC per label (" + shown.split().id() + ")",
                "1 - specificity (false-positive rate)", "sensitivity (true-positive rate)");
        XYChart pr = EvaluationReport.square("Precision-recall per label (" + shown.split().id() + ")",
                "recall (sensitivity)", "precision (PPV)");
        for (int j = 0; j < Math.min(MAX_CURVES, labels.size()); j++) {
            EvaluationReport.rocLine(roc, labels.get(j), curves.curve(j));
            EvaluationReport.precisionRecallLine(pr, labels.get(j), curves.curve(j));
        }
        EvaluationReport.line(roc, "chance", new double[] {0, 1}, new double[] {0, 1});
        h.append("<p>Curves of the ").append(shown.split().id()).append(" split")
                .append(labels.size() > MAX_CURVES ? ", first " + MAX_CURVES + " labels" : "").append(".</p>")
                .append(RunReport.img(EvaluationReport.plot(run, "roc-per-label", roc)))
                .append(RunReport.img(EvaluationReport.plot(run, "pr-per-label", pr)));
    }

    /** Share of positives among the known targets of label {@code j}; NaN when none is known. */
    static double prevalence(LabelScores scores, int j) {
        int known = 0;
        int positive = 0;
        for (float[] t : scores.targets()) {
            if (!Float.isNaN(t[j])) {
                known++;
                positive += t[j] >= 0.5f ? 1 : 0;
            }
        }
        return known == 0 ? Double.NaN : (double) positive / known;
    }

    private void regression(StringBuilder h) {
        h.append(summaryTable(RegressionMetrics.NAMES, List.of("MAE", "RMSE", "R²")));
        XYChart scatter = chart("Predicted vs true", "true", "predicted");
        XYChart residuals = chart("Residuals", "predicted", "residual (predicted - true)");
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        double lowPredicted = Double.POSITIVE_INFINITY;
        double highPredicted = Double.NEGATIVE_INFINITY;
        for (Scored s : splits) {
            RegressionMetrics.Values v = s.predictions().values();
            if (v.actual().length == 0) {
                continue;
            }
            double[] residual = new double[v.actual().length];
            for (int i = 0; i < residual.length; i++) {
                residual[i] = v.predicted()[i] - v.actual()[i];
                low = Math.min(low, Math.min(v.actual()[i], v.predicted()[i]));
                high = Math.max(high, Math.max(v.actual()[i], v.predicted()[i]));
                lowPredicted = Math.min(lowPredicted, v.predicted()[i]);
                highPredicted = Math.max(highPredicted, v.predicted()[i]);
            }
            dots(scatter, s.split().id(), v.actual(), v.predicted());
            dots(residuals, s.split().id(), v.predicted(), residual);
        }
        if (low <= high) {
            EvaluationReport.line(scatter, "identity (predicted = true)", new double[] {low, high},
                    new double[] {low, high});
            EvaluationReport.line(residuals, "zero", new double[] {lowPredicted, highPredicted}, new double[] {0, 0});
        }
        h.append("<p>Each dot is one image, in the target's units.</p>")
                .append(RunReport.img(EvaluationReport.plot(run, "predicted-vs-true", scatter)))
                .append(RunReport.img(EvaluationReport.plot(run, "residuals", residuals)));
    }

    /** One row per scored split: images, loss and {@code names}' values from its metrics file. */
    private String summaryTable(List<String> names, List<String> titles) {
        StringBuilder t = new StringBuilder("<table><tr><th>split</th><th>images</th><th>loss</th>");
        titles.forEach(n -> t.append("<th>").append(n).append("</th>"));
        t.append("</tr>");
        for (Scored s : splits) {
            t.append("<tr><td style='text-align:left'>").append(s.split().id()).append("</td><td>")
                    .append(s.metrics().path("count").asInt()).append("</td>")
                    .append(EvaluationReport.cells(number(s.metrics().path("loss"))));
            names.forEach(n -> t.append(EvaluationReport.cells(number(s.metrics().path(n)))));
            t.append("</tr>");
        }
        return t.append("</table>").toString();
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart chart = new XYChartBuilder().width(480).height(460).title(title).xAxisTitle(x).yAxisTitle(y).build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE)
                .setMarkerSize(5);
        return chart;
    }

    private static void dots(XYChart chart, String name, double[] x, double[] y) {
        XYSeries series = chart.addSeries(name, x, y);
        series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        series.setMarker(SeriesMarkers.CIRCLE);
    }

    /**
     * The per-label decision thresholds a multi-label metrics file lists ({@code per_label[j].threshold}); null
     * when the file is absent or has none for some label (no thresholds were tuned).
     */
    static double[] labelThresholds(Path metricsJson, int labels) {
        if (!Files.isRegularFile(metricsJson)) {
            return null;
        }
        JsonNode perLabel = readJson(metricsJson).path("per_label");
        double[] out = new double[labels];
        for (int j = 0; j < labels; j++) {
            JsonNode t = perLabel.path(j).path("threshold");
            if (!t.isNumber()) {
                return null;
            }
            out[j] = t.asDouble();
        }
        return out;
    }

    /** A JSON number, NaN for null (an undefined metric). */
    private static double number(JsonNode node) {
        return node.isNumber() ? node.asDouble() : Double.NaN;
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new GraftException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
