package dev.graft.sweep;

import dev.graft.config.SearchDomain;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * PNG scatter plots (XChart) of the objective against each searched key, one point per ranked trial, the best
 * one in orange: numeric keys on a linear axis (logarithmic for {@code log_uniform}), other choices as
 * categories in the order the sweep file lists them.
 */
final class SweepPlots {
    private static final Color TRIAL = new Color(0x3a6fd8);
    private static final Color BEST = new Color(0xe8710a);
    private static final int MARKER = 10;
    private static final String Y_PATTERN = "0.####";

    private SweepPlots() {
    }

    /** The plot's file name for a key: {@code objective-vs-train.optimizer.lr.png}. */
    static String fileName(String key) {
        return "objective-vs-" + key.replaceAll("[^A-Za-z0-9._-]", "_") + ".png";
    }

    /** @param ranked the ranked trials, best first (at least one) */
    static byte[] plot(SearchDomain domain, List<TrialRecord> ranked, String metric) {
        String title = metric + " vs " + domain.path();
        boolean numeric = domain.isRange() || domain.choices().stream().allMatch(c -> c.isNumber());
        return dev.graft.train.RunReport.png(numeric ? numeric(domain, ranked, metric, title) : categorical(domain, ranked, metric, title));
    }

    private static XYChart numeric(SearchDomain domain, List<TrialRecord> ranked, String metric, String title) {
        XYChart chart = new XYChartBuilder().width(640).height(420).title(title).xAxisTitle(domain.path())
                .yAxisTitle(metric).build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setMarkerSize(MARKER);
        chart.getStyler().setYAxisDecimalPattern(Y_PATTERN);
        chart.getStyler().setXAxisLogarithmic(domain.kind() == SearchDomain.Kind.LOG_UNIFORM);
        for (int i = ranked.size() - 1; i >= 0; i--) { // the best last, drawn on top
            TrialRecord r = ranked.get(i);
            double x = TrialPoint.numeric(r.values().get(domain.path())).orElseThrow();
            XYSeries s = chart.addSeries("trial " + r.trial(), new double[] {x}, new double[] {r.objective()});
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setMarkerColor(i == 0 ? BEST : TRIAL);
        }
        return chart;
    }

    /**
     * One series per repeat: the first trial of each choice, then the second... overlapped, so that trials with
     * the same choice share its column.
     */
    private static CategoryChart categorical(SearchDomain domain, List<TrialRecord> ranked, String metric,
                                             String title) {
        List<String> categories = domain.choices().stream().map(c -> TrialPoint.display(c.toString())).toList();
        CategoryChart chart = new CategoryChartBuilder().width(640).height(420).title(title)
                .xAxisTitle(domain.path()).yAxisTitle(metric).build();
        chart.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setMarkerSize(MARKER);
        chart.getStyler().setYAxisDecimalPattern(Y_PATTERN);
        List<List<TrialRecord>> byChoice = new ArrayList<>();
        categories.forEach(c -> byChoice.add(new ArrayList<>()));
        for (TrialRecord r : ranked) {
            byChoice.get(categories.indexOf(TrialPoint.display(r.values().get(domain.path())))).add(r);
        }
        int repeats = byChoice.stream().mapToInt(List::size).max().orElse(0);
        for (int k = repeats - 1; k >= 0; k--) {
            Double[] y = new Double[categories.size()];
            Double[] best = new Double[categories.size()];
            for (int c = 0; c < categories.size(); c++) {
                if (k < byChoice.get(c).size()) {
                    TrialRecord r = byChoice.get(c).get(k);
                    (r == ranked.get(0) ? best : y)[c] = r.objective();
                }
            }
            addCategorySeries(chart, "repeat " + k, categories, y, TRIAL);
            addCategorySeries(chart, "best " + k, categories, best, BEST);
        }
        return chart;
    }

    private static void addCategorySeries(CategoryChart chart, String name, List<String> categories, Double[] y,
                                          Color color) {
        if (Arrays.stream(y).allMatch(v -> v == null)) {
            return;
        }
        CategorySeries s = chart.addSeries(name, categories, Arrays.asList(y));
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(color);
    }
}
