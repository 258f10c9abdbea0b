package dev.graft.run;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StartupClockTest {
    @Test
    void summaryGivesEachPhaseItsOwnDurationAndTheTotal() {
        String line = StartupClock.summary(List.of(new StartupClock.Phase("JVM", 0.4),
                new StartupClock.Phase("set-up", 2.0), new StartupClock.Phase("data scan", 2.5),
                new StartupClock.Phase("first batch", 3.9)));
        assertEquals("first training batch 3.9 s after start: JVM 0.4 s, set-up 1.6 s, data scan 0.5 s, "
                + "first batch 1.4 s", line);
    }

    @Test
    void theProcessStartIsInThePast() {
        double since = StartupClock.sinceStart();
        assertTrue(since > 0 && since < 24 * 3600, "seconds since this JVM started: " + since);
    }
}
