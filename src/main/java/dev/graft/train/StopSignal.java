package dev.graft.train;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A request to stop training cleanly (Ctrl-C, SIGTERM, a budget): the trainer finishes the current batch,
 * writes {@code last.zip} and returns {@link TrainResult.Status#INTERRUPTED}. Thread-safe.
 */
public final class StopSignal {
    private volatile String reason;
    private final int stepBudget;
    private final AtomicInteger steps = new AtomicInteger();

    public StopSignal() {
        this(Integer.MAX_VALUE);
    }

    private StopSignal(int stepBudget) {
        this.stepBudget = stepBudget;
    }

    /** A signal that fires by itself after {@code batches} training batches (budgets, benchmarks, tests). */
    public static StopSignal afterBatches(int batches) {
        return new StopSignal(batches);
    }

    public void request(String why) {
        reason = why;
    }

    /** Called by the trainer after every batch. */
    void batchDone() {
        if (steps.incrementAndGet() >= stepBudget && reason == null) {
            reason = "stopped after " + stepBudget + " batches";
        }
    }

    public boolean requested() {
        return reason != null;
    }

    public String reason() {
        return reason;
    }
}
