package dev.graft.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a user of {@code evaluation.calibration: temperature} relies on: same decisions, honest confidence. */
class TemperatureScalingTest {

    @Test
    void overConfidentModelKeepsItsTop1AndLosesMostOfItsCalibrationError() {
        MetricGoldens g = MetricGoldens.load().stream().filter(c -> c.name().equals("binary_overconfident"))
                .findFirst().orElseThrow();
        double t = TemperatureScaling.fit(g.logits(), g.labels());
        assertTrue(t > 2, "logits scaled by 4 want a temperature well above 1, got " + t);
        double[][] calibrated = new double[g.labels().length][];
        for (int i = 0; i < calibrated.length; i++) {
            calibrated[i] = TemperatureScaling.softmax(g.logits()[i], t);
        }
        ScoredExamples after = new ScoredExamples(calibrated, g.labels(), 2);
        for (int i = 0; i < calibrated.length; i++) {
            assertEquals(g.scored().predicted(i), after.predicted(i), "row " + i);
        }
        double before = Calibration.ece(g.scored());
        double afterEce = Calibration.ece(after);
        assertTrue(afterEce < before / 2, "ECE before " + before + ", after " + afterEce);
    }

    @Test
    void perfectlySeparatedLogitsStopAtTheLowestTemperature() {
        double[][] logits = {{5, 0}, {0, 5}, {4, -1}};
        int[] labels = {0, 1, 0};
        assertEquals(TemperatureScaling.MIN_T, TemperatureScaling.fit(logits, labels));
    }
}
