package dev.graft.sweep;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How a {@code graft sweep} run ended.
 *
 * @param directory  the sweep folder ({@code trials.csv}, {@code best.yaml}, {@code sweep-report.html}, ...)
 * @param metric     the objective metric
 * @param keys       the searched keys
 * @param ranked     every recorded trial: the ranked ones best first, then the others by trial number
 * @param planned    trials the sweep plans
 * @param stopReason why it stopped before every planned trial ran; null when it did not
 */
public record SweepResult(Path directory, String metric, List<String> keys, List<TrialRecord> ranked, int planned,
                          String stopReason) {
    public SweepResult {
        keys = List.copyOf(keys);
        ranked = List.copyOf(ranked);
    }

    /** The best trial, if any succeeded. */
    public Optional<TrialRecord> best() {
        return ranked.stream().filter(TrialRecord::ranked).findFirst();
    }

    /** Trials that will not run again (succeeded, diverged or failed). */
    public long finished() {
        return ranked.stream().filter(r -> r.status().finished()).count();
    }

    /** True when every planned trial ran. */
    public boolean complete() {
        return finished() >= planned;
    }
}
