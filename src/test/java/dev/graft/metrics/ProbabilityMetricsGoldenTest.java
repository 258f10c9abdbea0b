package dev.graft.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every metric equals scikit-learn's (1.2.1, Debian python3-sklearn) to 1e-9 on the committed goldens:
 * ties, a class absent from the labels, 2 and 7 classes. Regenerate with tools/make_metric_goldens.py.
 */
class ProbabilityMetricsGoldenTest {
    private static final double TOL = 1e-9;

    static List<MetricGoldens> cases() {
        return MetricGoldens.load();
    }

    static Stream<MetricGoldens> binaryCases() {
        return cases().stream().filter(c -> c.classes() == 2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void thresholdFreeMetricsEqualScikitLearn(MetricGoldens g) {
        Map<String, Double> m = new ProbabilityMetrics(1).compute(g.scored());
        for (String name : ProbabilityMetrics.NAMES) {
            assertEquals(g.value(name), m.get(name), TOL, g + " " + name);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void perClassAreasEqualScikitLearnAndAbsentClassesAreNaN(MetricGoldens g) {
        assertArrayClose(g.perClass("per_class_auroc"), ProbabilityMetrics.perClassAuroc(g.scored()), g + " auroc");
        assertArrayClose(g.perClass("per_class_pr_auc"), ProbabilityMetrics.perClassAveragePrecision(g.scored()),
                g + " pr_auc");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaryCases")
    void operatingPointsEqualScikitLearnRocCurve(MetricGoldens g) {
        BinaryCurve curve = g.scored().curve(1);
        for (JsonNode point : g.expected().get("operating_points")) {
            OperatingPoint rule = rule(point.get("rule"));
            double threshold = rule.choose(curve);
            String what = g + " " + rule.describe();
            if (point.get("threshold").isNull()) {
                assertEquals(Double.POSITIVE_INFINITY, threshold, what);
            } else {
                assertEquals(point.get("threshold").asDouble(), threshold, TOL, what);
            }
            ThresholdStats at = curve.at(threshold);
            assertEquals(point.get("tp").asLong(), at.tp(), what);
            assertEquals(point.get("fp").asLong(), at.fp(), what);
            assertEquals(point.get("tn").asLong(), at.tn(), what);
            assertEquals(point.get("fn").asLong(), at.fn(), what);
            assertRate(point.get("sensitivity"), at.sensitivity(), what);
            assertRate(point.get("specificity"), at.specificity(), what);
            assertRate(point.get("ppv"), at.ppv(), what);
            assertRate(point.get("npv"), at.npv(), what);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void temperatureMinimisesNllLikeScipy(MetricGoldens g) {
        double t = TemperatureScaling.fit(g.logits(), g.labels());
        assertEquals(g.value("temperature"), t, TOL * g.value("temperature"), g.toString());
        assertEquals(g.value("nll_at_temperature"), TemperatureScaling.nll(g.logits(), g.labels(), t), TOL);
        assertTrue(TemperatureScaling.nll(g.logits(), g.labels(), t) <= TemperatureScaling.nll(g.logits(),
                g.labels(), 1.0), "the fit never does worse than T = 1");
    }

    private static OperatingPoint rule(JsonNode rule) {
        if (rule.has("youden")) {
            return new OperatingPoint.Youden();
        }
        if (rule.has("sensitivity")) {
            return new OperatingPoint.Sensitivity(rule.get("sensitivity").asDouble());
        }
        if (rule.has("specificity")) {
            return new OperatingPoint.Specificity(rule.get("specificity").asDouble());
        }
        return new OperatingPoint.Threshold(rule.get("threshold").asDouble());
    }

    private static void assertRate(JsonNode expected, double actual, String what) {
        if (expected.isNull()) {
            assertTrue(Double.isNaN(actual), what + ": expected undefined (NaN), got " + actual);
        } else {
            assertEquals(expected.asDouble(), actual, TOL, what);
        }
    }

    private static void assertArrayClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (Double.isNaN(expected[i])) {
                assertTrue(Double.isNaN(actual[i]), what + " class " + i + " should be NaN, was " + actual[i]);
            } else {
                assertEquals(expected[i], actual[i], TOL, what + " class " + i);
            }
        }
    }
}
