package dev.graft.train;

import dev.graft.config.Monitor;
import dev.graft.config.HeadConfig;
import dev.graft.metrics.MetricSet;
import dev.graft.metrics.MultiLabelMetrics;
import dev.graft.metrics.ProbabilityMetrics;
import dev.graft.metrics.RegressionMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** config.Monitor may not import metrics, so it repeats the threshold-free names; they must not drift. */
class MonitorNamesTest {
    @Test
    void everyThresholdFreeMetricIsAMonitorKeyWithTheSameDirection() {
        ProbabilityMetrics metrics = new ProbabilityMetrics(1);
        List<String> expected = metrics.names().stream().map(n -> "val_" + n).toList();
        assertEquals(expected, Monitor.THRESHOLD_FREE);
        assertTrue(Monitor.NAMES.containsAll(expected));
        for (String name : metrics.names()) {
            assertEquals(metrics.higherIsBetter(name), !Monitor.lowerIsBetter("val_" + name), name);
        }
        assertTrue(EpochRecord.COLUMNS.containsAll(expected), "each is a metrics.csv column");
    }

    /** A multi-label or regression head's monitor keys are its MetricSet's names, directions and columns. */
    @ParameterizedTest
    @EnumSource(value = HeadConfig.Problem.class, names = {"MULTI_LABEL", "REGRESSION"})
    void everyProblemsMetricSetIsItsMonitorKeys(HeadConfig.Problem problem) {
        MetricSet<?> metrics = problem == HeadConfig.Problem.MULTI_LABEL ? new MultiLabelMetrics()
                : new RegressionMetrics();
        List<String> expected = new java.util.ArrayList<>(List.of("val_loss", "train_loss"));
        metrics.names().forEach(n -> expected.add("val_" + n));
        assertEquals(expected, Monitor.namesFor(problem));
        for (String name : metrics.names()) {
            assertEquals(metrics.higherIsBetter(name), !Monitor.lowerIsBetter("val_" + name), name);
        }
        assertEquals(metrics.names(), EpochRecord.scoreNames(problem));
        assertTrue(EpochRecord.columns(problem).containsAll(expected.subList(2, expected.size())));
        assertTrue(Monitor.NAMES.containsAll(expected), "a sweep objective may name them");
    }
}
