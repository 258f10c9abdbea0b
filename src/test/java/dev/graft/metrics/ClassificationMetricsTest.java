package dev.graft.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Metrics against a small example worked out by hand (numbers in the comments). */
class ClassificationMetricsTest {
    private static final double EPS = 1e-9;

    private static ClassificationMetrics worked(int topK) {
        ClassificationMetrics m = new ClassificationMetrics(List.of("a", "b", "c"), topK);
        m.add(new float[] {0.7f, 0.2f, 0.1f}, 0); // predicted a: correct
        m.add(new float[] {0.2f, 0.5f, 0.3f}, 0); // predicted b; a ranks 3rd -> top-2 miss
        m.add(new float[] {0.1f, 0.8f, 0.1f}, 1); // predicted b: correct
        m.add(new float[] {0.1f, 0.3f, 0.6f}, 1); // predicted c; b ranks 2nd -> top-2 hit
        m.add(new float[] {0.1f, 0.2f, 0.7f}, 2); // correct
        m.add(new float[] {0.3f, 0.3f, 0.4f}, 2); // correct
        m.addLoss(3.0, 6);
        return m;
    }

    @Test
    void handWorkedExample() {
        MetricsSummary s = worked(2).summary();
        assertEquals(6, s.count());
        assertEquals(0.5, s.loss(), EPS);
        assertEquals(4.0 / 6, s.top1(), EPS);
        assertEquals(5.0 / 6, s.topK(), EPS);
        assertEquals(2, s.k());
        // a: TP 1, support 2, predicted 1 -> P 1, R 0.5, F1 2/3
        assertEquals(new ClassStats("a", 1.0, 0.5, r(2.0 / 3), 2), round(s.perClass().get(0)));
        // b: TP 1, support 2, predicted 2 -> P 0.5, R 0.5, F1 0.5
        assertEquals(new ClassStats("b", 0.5, 0.5, 0.5, 2), round(s.perClass().get(1)));
        // c: TP 2, support 2, predicted 3 -> P 2/3, R 1, F1 0.8
        assertEquals(new ClassStats("c", r(2.0 / 3), 1.0, r(0.8), 2), round(s.perClass().get(2)));
        assertEquals((0.5 + 0.5 + 1.0) / 3, s.balancedAccuracy(), EPS);
        assertEquals((2.0 / 3 + 0.5 + 0.8) / 3, s.macroF1(), EPS);
        assertArrayEquals(new long[] {1, 1, 0}, s.confusion()[0]);
        assertArrayEquals(new long[] {0, 1, 1}, s.confusion()[1]);
        assertArrayEquals(new long[] {0, 0, 2}, s.confusion()[2]);
    }

    @Test
    void topKIsCappedAtTheClassCount() {
        MetricsSummary s = worked(5).summary();
        assertEquals(3, s.k());
        assertEquals(1.0, s.topK(), EPS, "with k = all classes every example is a hit");
    }

    @Test
    void classAbsentFromTheSplitDoesNotDragBalancedAccuracyDown() {
        ClassificationMetrics m = new ClassificationMetrics(List.of("x", "y", "z"));
        m.add(new float[] {0.9f, 0.05f, 0.05f}, 0);
        m.add(new float[] {0.1f, 0.8f, 0.1f}, 1);
        assertEquals(1.0, m.summary().balancedAccuracy(), EPS);
        assertEquals(Double.NaN, m.summary().loss());
    }

    private static ClassStats round(ClassStats c) {
        return new ClassStats(c.name(), r(c.precision()), r(c.recall()), r(c.f1()), c.support());
    }

    private static double r(double v) {
        return Math.round(v * 1e9) / 1e9;
    }
}
