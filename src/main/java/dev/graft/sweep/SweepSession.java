package dev.graft.sweep;

import dev.graft.train.StopSignal;
import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.api.OptimizationResult;
import org.deeplearning4j.arbiter.optimize.runner.CandidateInfo;
import org.deeplearning4j.arbiter.optimize.runner.CandidateStatus;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@code graft sweep} run over a sweep folder: turns Arbiter's candidates into trials (skipping those the
 * record shows finished, continuing interrupted ones), tracks the trials in flight so that Ctrl-C or the time
 * budget can stop them, and reports each trial back to Arbiter as an {@link OptimizationResult}.
 */
final class SweepSession {
    private final SweepState state;
    private final TrialRun trials;
    private final TrialListener listener;
    private final int planned;
    private final Set<StopSignal> inFlight = ConcurrentHashMap.newKeySet();
    private volatile String stopReason;

    SweepSession(SweepState state, TrialRun trials, TrialListener listener, int planned) {
        this.state = state;
        this.trials = trials;
        this.listener = listener;
        this.planned = planned;
    }

    /** Arbiter's task for one candidate. */
    OptimizationResult execute(Candidate<?> candidate) {
        long created = System.currentTimeMillis();
        int trial = candidate.getIndex() + 1;
        Map<String, String> values = ((TrialPoint) candidate.getValue()).byKey(state.keys());
        Optional<TrialRecord> previous = state.get(trial);
        if (previous.isPresent() && previous.get().status().finished()) {
            return result(candidate, previous.get(), created); // finished in an earlier run of the sweep
        }
        StopSignal stop = new StopSignal();
        inFlight.add(stop);
        try {
            if (stopReason != null) {
                return result(candidate, null, created); // the sweep is stopping: leave it for --resume
            }
            listener.trialStarted(trial, planned, values);
            TrialRecord record = trials.run(trial, values, previous.orElse(null), stop);
            state.put(record);
            listener.trialFinished(record, planned);
            return result(candidate, record, created);
        } finally {
            inFlight.remove(stop);
        }
    }

    /** Stops every trial in flight after its current batch and starts no new one. */
    void stopAll(String reason) {
        if (stopReason == null) {
            stopReason = reason;
        }
        inFlight.forEach(s -> s.request(reason));
    }

    /** Why the sweep stopped early; null when it was not stopped. */
    String stopReason() {
        return stopReason;
    }

    private static OptimizationResult result(Candidate<?> candidate, TrialRecord record, long created) {
        CandidateStatus status = record == null || record.status() == TrialStatus.INTERRUPTED
                ? CandidateStatus.Cancelled
                : record.status().succeeded() ? CandidateStatus.Complete : CandidateStatus.Failed;
        Double score = record == null ? null : record.objective();
        CandidateInfo info = new CandidateInfo(candidate.getIndex(), status, score, created, created,
                System.currentTimeMillis(), candidate.getFlatParameters(),
                status == CandidateStatus.Failed ? record.message() : null);
        return new OptimizationResult(candidate, score, candidate.getIndex(), record, info, null);
    }
}
