package dev.graft.train;

import dev.graft.config.Monitor;
import dev.graft.metrics.ProbabilityMetrics;
import org.junit.jupiter.api.Test;

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
}
