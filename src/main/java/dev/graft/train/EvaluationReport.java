package dev.graft.train;

import dev.graft.metrics.BinaryCurve;
import dev.graft.metrics.Calibration;
import dev.graft.metrics.ScoredExamples;
import dev.graft.metrics.ThresholdStats;
import dev.graft.run.RunDirectory;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's sections on the final model ({@link FinalEvaluation}): the decision rule and how it was chosen,
 * ROC and precision-recall curves with the operating point marked, the reliability diagram before and after
 * calibration, per-class AUCs, and the test split's numbers. Plots go to {@code plots/} as PNG too.
 */
final class EvaluationReport {
    /** One-vs-rest curves are drawn for at most this many classes (more would be unreadable). */
    private static final int MAX_CURVES = 10;

    private final RunDirectory run;
    private final FinalEvaluation.Outcome outcome;

    EvaluationReport(RunDirectory run, FinalEvaluation.Outcome outcome) {
        this.run = run;
        this.outcome = outcome;
    }

    /** The HTML of the sections, plots embedded. */
    String html() {
        StringBuilder h = new StringBuilder("<h2>Final model: operating point and calibration</h2>");
        h.append(ruleParagraph());
        h.append(splitTable());
        ScoredSplit shown = outcome.test() != null ? outcome.test() : outcome.val();
        h.append("<p>Curves of the ").append(shown.split()).append(" split")
                .append(outcome.rule().binary() ? "; the dot is the operating point." : ".").append("</p>");
        h.append(RunReport.img(plot("roc", roc(shown)))).append(RunReport.img(plot("pr", precisionRecall(shown))));
        h.append(RunReport.img(plot("reliability", reliability(outcome.val()))));
        h.append(perClassTable(shown));
        if (outcome.test() == null) {
            h.append("<h2>Test</h2><p>No test split: set <code>data.test</code>, or <code>data.split.test</code> for "
                    + "root and CSV layouts, to have the final model scored once on held-out images.</p>");
        }
        return h.toString();
    }

    private String ruleParagraph() {
        var rule = outcome.rule();
        StringBuilder p = new StringBuilder("<p>Checkpoint <code>").append(RunReport.esc(String.valueOf(
                outcome.checkpoint().getFileName()))).append("</code> (epoch ").append(rule.checkpointEpoch())
                .append("). ");
        p.append(rule.temperature() == 1.0 ? "Probabilities are not calibrated (<code>evaluation.calibration: "
                + "none</code>). " : String.format(Locale.ROOT, "Temperature scaling fitted on validation: T = %.4f "
                + "(ECE %.4f before, %.4f after). ", rule.temperature(), outcome.val().eceBefore(),
                outcome.val().score("ece")));
        if (rule.binary()) {
            p.append(String.format(Locale.ROOT, "Positive class <b>%s</b> (<code>data.positive_class</code>; default: "
                            + "the second class). Threshold %.4f chosen on validation by <code>%s</code> "
                            + "(<code>evaluation.operating_point</code>; default: youden).",
                    RunReport.esc(rule.positiveClass()), rule.threshold(), RunReport.esc(rule.operatingPoint())));
        }
        return p.append("</p>").toString();
    }

    private String splitTable() {
        StringBuilder t = new StringBuilder("<table><tr><th>split</th><th>images</th><th>top-1</th>"
                + "<th>balanced acc.</th><th>AUROC</th><th>PR AUC</th><th>log loss</th><th>Brier</th><th>ECE</th>");
        if (outcome.rule().binary()) {
            t.append("<th>sensitivity</th><th>specificity</th><th>PPV</th><th>NPV</th>");
        }
        t.append("</tr>");
        for (ScoredSplit s : splits()) {
            splitRow(t, s, s.split().toString());
            if (s.withoutTta() != null) { // the same split on the images alone, so the gain of TTA is visible
                splitRow(t, s.withoutTta(), s.split() + " without TTA");
            }
        }
        t.append("</table>");
        if (outcome.val().withoutTta() != null) {
            t.append("<p>Test-time augmentation (<code>evaluation.tta</code>): each row averages the probabilities "
                    + "over the views ").append(RunReport.esc(String.join(", ", outcome.val().tta())))
                    .append("; the <i>without TTA</i> rows score the images alone at the same threshold.</p>");
        }
        return t.toString();
    }

    private static void splitRow(StringBuilder t, ScoredSplit s, String name) {
        var m = s.evaluation().summary();
        t.append("<tr><td style='text-align:left'>").append(RunReport.esc(name)).append("</td><td>").append(m.count())
                .append("</td>").append(cells(m.top1(), m.balancedAccuracy(), s.score("auroc"),
                        s.score("pr_auc"), s.score("log_loss"), s.score("brier"), s.score("ece")));
        if (s.rule().binary()) {
            ThresholdStats a = s.atThreshold();
            t.append(cells(a.sensitivity(), a.specificity(), a.ppv(), a.npv()));
        }
        t.append("</tr>");
    }

    private List<ScoredSplit> splits() {
        List<ScoredSplit> out = new ArrayList<>(List.of(outcome.val()));
        if (outcome.test() != null) {
            out.add(outcome.test());
        }
        return out;
    }

    private String perClassTable(ScoredSplit s) {
        double[] auroc = s.perClassAuroc();
        double[] ap = s.perClassAveragePrecision();
        var stats = s.evaluation().summary().perClass();
        StringBuilder t = new StringBuilder("<h3>Per class (").append(s.split()).append(")</h3><table><tr>"
                + "<th>class</th><th>precision</th><th>recall</th><th>F1</th><th>AUROC</th><th>PR AUC</th>"
                + "<th>support</th></tr>");
        for (int c = 0; c < stats.size(); c++) {
            t.append("<tr><td style='text-align:left'>").append(RunReport.esc(stats.get(c).name())).append("</td>")
                    .append(cells(stats.get(c).precision(), stats.get(c).recall(), stats.get(c).f1(), auroc[c],
                            ap[c])).append("<td>").append(stats.get(c).support()).append("</td></tr>");
        }
        return t.append("</table>").toString();
    }

    static String cells(double... values) {
        StringBuilder b = new StringBuilder();
        for (double v : values) {
            b.append("<td>").append(Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "n/a")
                    .append("</td>");
        }
        return b.toString();
    }

    private byte[] plot(String name, XYChart chart) {
        return plot(run, name, chart);
    }

    /** {@code chart} as PNG, also written to {@code plots/<name>.png}. */
    static byte[] plot(RunDirectory run, String name, XYChart chart) {
        byte[] png = RunReport.png(chart);
        run.writeBytes("plots/" + name + ".png", png);
        return png;
    }

    /** The classes to draw one-vs-rest curves for: a binary task's positive class, else each class. */
    private List<Integer> curveClasses(ScoredSplit s) {
        List<Integer> out = new ArrayList<>();
        if (s.rule().binary()) {
            out.add(s.rule().positiveIndex());
            return out;
        }
        for (int c = 0; c < Math.min(MAX_CURVES, s.classes().size()); c++) {
            out.add(c);
        }
        return out;
    }

    private XYChart roc(ScoredSplit s) {
        XYChart chart = square("ROC (" + s.split() + ")", "1 - specificity (false-positive rate)",
                "sensitivity (true-positive rate)");
        for (int c : curveClasses(s)) {
            rocLine(chart, s.classes().get(c), s.evaluation().scored().curve(c));
        }
        line(chart, "chance", new double[] {0, 1}, new double[] {0, 1});
        if (s.rule().binary() && s.atThreshold() != null) {
            ThresholdStats a = s.atThreshold();
            point(chart, String.format(Locale.ROOT, "threshold %.3f", a.threshold()), 1 - a.specificity(),
                    a.sensitivity());
        }
        return chart;
    }

    private XYChart precisionRecall(ScoredSplit s) {
        XYChart chart = square("Precision-recall (" + s.split() + ")", "recall (sensitivity)", "precision (PPV)");
        for (int c : curveClasses(s)) {
            precisionRecallLine(chart, s.classes().get(c), s.evaluation().scored().curve(c));
        }
        if (s.rule().binary() && s.atThreshold() != null && s.atThreshold().tp() + s.atThreshold().fp() > 0) {
            ThresholdStats a = s.atThreshold();
            point(chart, String.format(Locale.ROOT, "threshold %.3f", a.threshold()), a.sensitivity(), a.ppv());
        }
        return chart;
    }

    /** Accuracy against confidence per bin, before and after calibration, on validation. */
    private XYChart reliability(ScoredSplit val) {
        XYChart chart = square("Reliability (validation, " + Calibration.BINS + " bins)",
                "confidence of the predicted class", "accuracy");
        line(chart, "perfect calibration", new double[] {0, 1}, new double[] {0, 1});
        if (val.rule().temperature() != 1.0) {
            ScoredExamples raw = val.uncalibrated();
            bins(chart, String.format(Locale.ROOT, "before (ECE %.3f)", val.eceBefore()), raw);
        }
        bins(chart, String.format(Locale.ROOT, val.rule().temperature() != 1.0 ? "after T=%2$.3f (ECE %1$.3f)"
                : "model (ECE %.3f)", val.score("ece"), val.rule().temperature()), val.evaluation().scored());
        return chart;
    }

    private static void bins(XYChart chart, String name, ScoredExamples s) {
        Calibration.Reliability r = Calibration.reliability(s);
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int b = 0; b < Calibration.BINS; b++) {
            if (r.count()[b] > 0) {
                x.add(r.meanConfidence(b));
                y.add(r.accuracy(b));
            }
        }
        if (!x.isEmpty()) {
            chart.addSeries(name, x, y).setMarker(SeriesMarkers.CIRCLE);
        }
    }

    /** {@code curve}'s ROC as a line named "{@code name} (AUC x)"; nothing when it is undefined. */
    static void rocLine(XYChart chart, String name, BinaryCurve curve) {
        if (!curve.defined()) {
            return;
        }
        double[] x = new double[curve.size() + 1];
        double[] y = new double[curve.size() + 1];
        for (int p = 0; p < curve.size(); p++) {
            x[p + 1] = curve.falsePositiveRate(p);
            y[p + 1] = curve.truePositiveRate(p);
        }
        line(chart, String.format(Locale.ROOT, "%s (AUC %.3f)", name, curve.auroc()), x, y);
    }

    /** {@code curve}'s precision against recall as a line named "{@code name} (AP x)"; nothing when undefined. */
    static void precisionRecallLine(XYChart chart, String name, BinaryCurve curve) {
        if (!curve.defined()) {
            return;
        }
        double[] x = new double[curve.size()];
        double[] y = new double[curve.size()];
        for (int p = 0; p < curve.size(); p++) {
            x[p] = curve.truePositiveRate(p);
            y[p] = curve.precision(p);
        }
        line(chart, String.format(Locale.ROOT, "%s (AP %.3f)", name, curve.averagePrecision()), x, y);
    }

    /** A 480 x 460 chart with both axes from 0 to 1, legend inside at the bottom right. */
    static XYChart square(String title, String x, String y) {
        XYChart chart = new XYChartBuilder().width(480).height(460).title(title).xAxisTitle(x).yAxisTitle(y).build();
        chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0)
                .setXAxisDecimalPattern("0.0").setYAxisDecimalPattern("0.0")
                .setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        return chart;
    }

    static void line(XYChart chart, String name, double[] x, double[] y) {
        chart.addSeries(name, x, y).setMarker(SeriesMarkers.NONE);
    }

    private static void point(XYChart chart, String name, double x, double y) {
        XYSeries dot = chart.addSeries(name, new double[] {x}, new double[] {y});
        dot.setMarker(SeriesMarkers.CIRCLE);
        dot.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    }
}
