package dev.graft.sweep;

import dev.graft.config.ExperimentConfig;
import dev.graft.config.SweepConfig;
import dev.graft.train.StopSignal;

/**
 * Where a sweep's trials train ({@code executor:} of the sweep file): on the sweep's own threads, or as Spark tasks
 * ({@link SparkTrials}). Called from {@code parallel} threads at once.
 */
interface TrialExecutor extends AutoCloseable {
    /**
     * Trains {@code job}, whose run folder exists with the trial's {@code config.yaml}, until it ends or
     * {@code stop} is requested (then it stops after its batch and keeps a {@code last.zip}).
     */
    TrialOutcome train(TrialJob job, ExperimentConfig config, StopSignal stop);

    /** Releases what the executor holds (a Spark context). */
    @Override
    void close();

    /** The executor {@code sweep} asks for, running {@code body} for each trial. */
    static TrialExecutor open(SweepConfig sweep, TrialBody body) {
        if (sweep.executor() == SweepConfig.Executor.SPARK) {
            return new SparkTrials(sweep.name(), sweep.spark().master(), body);
        }
        return new TrialExecutor() {
            @Override
            public TrialOutcome train(TrialJob job, ExperimentConfig config, StopSignal stop) {
                return body.train(job, config, stop, null);
            }

            @Override
            public void close() {
            }
        };
    }
}
