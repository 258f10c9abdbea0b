package dev.graft.run;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a process's time goes before its first training batch: phases marked as they end, measured from the
 * process's start (the launcher's, since it {@code exec}s the JVM). For a small fine-tuning job start-up is a
 * large share of the whole run, so {@code graft train} logs it once. Process-wide on purpose: only the first run
 * of a process has a start-up (a sweep's later trials or tests in one JVM report nothing).
 */
public final class StartupClock {
    private static final long START_MILLIS = ProcessHandle.current().info().startInstant()
            .map(Instant::toEpochMilli).orElse(ManagementFactory.getRuntimeMXBean().getStartTime());
    private static final List<Phase> PHASES = new ArrayList<>();
    private static boolean reported;

    /** A phase and the time since the process started at which it ended. */
    public record Phase(String name, double endSeconds) {
    }

    private StartupClock() {
    }

    /** Seconds since the process started. */
    public static double sinceStart() {
        return (System.currentTimeMillis() - START_MILLIS) / 1000.0;
    }

    /** Marks the end of phase {@code name} now (ignored once the start-up was reported). */
    public static synchronized void mark(String name) {
        if (!reported) {
            PHASES.add(new Phase(name, sinceStart()));
        }
    }

    /**
     * Marks the end of the first training batch and returns the start-up summary, once per process; empty on
     * later calls.
     */
    public static synchronized Optional<String> firstBatchDone() {
        if (reported) {
            return Optional.empty();
        }
        mark("first batch");
        reported = true;
        return Optional.of(summary(PHASES));
    }

    /** e.g. {@code first training batch 3.9 s after start: JVM 0.4 s, set-up 1.6 s, data scan 0.4 s, ...}. */
    static String summary(List<Phase> phases) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "first training batch %.1f s after start:",
                phases.get(phases.size() - 1).endSeconds()));
        double previous = 0;
        for (int i = 0; i < phases.size(); i++) {
            Phase phase = phases.get(i);
            out.append(String.format(Locale.ROOT, "%s %s %.1f s", i == 0 ? "" : ",", phase.name(),
                    phase.endSeconds() - previous));
            previous = phase.endSeconds();
        }
        return out.toString();
    }
}
