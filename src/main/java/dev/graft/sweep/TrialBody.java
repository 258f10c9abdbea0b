package dev.graft.sweep;

import dev.graft.config.ExperimentConfig;
import dev.graft.run.RunDirectory;
import dev.graft.run.RunStatus;
import dev.graft.train.StopSignal;
import dev.graft.train.TrainResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;

/**
 * The part of a trial that runs where its {@link TrialExecutor} puts it (a sweep thread, or a Spark task on an
 * executor): opens the trial's run folder (so its train.log gets the training's lines), trains, and writes the
 * run's status. Whatever happens ends as a {@link TrialOutcome}; nothing escapes to stop the sweep.
 * Serializable: a Spark task carries it to the executor.
 */
final class TrialBody implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TrialBody.class);

    private final TrialTrainer trainer;
    private final ObjectiveScore objective;

    TrialBody(TrialTrainer trainer, ObjectiveScore objective) {
        this.trainer = trainer;
        this.objective = objective;
    }

    /**
     * @param placement a line for train.log saying where the trial trains (a Spark task names its executor); null
     *                  for none
     */
    TrialOutcome train(TrialJob job, ExperimentConfig config, StopSignal stop, String placement) {
        long start = System.nanoTime();
        try (RunDirectory run = RunDirectory.open(job.runDir())) {
            if (placement != null) {
                run.note(placement);
            }
            TrainResult result = train(run, config, stop, job);
            String message = result.status() == TrainResult.Status.INTERRUPTED
                    ? stop.reason() + " after " + result.history().size() + " epoch(s); graft sweep --resume "
                    + "continues it from its last.zip" : result.message();
            run.status(result.runStatus(), message);
            return outcome(result, message);
        } catch (Exception | OutOfMemoryError | StackOverflowError e) { // a sweep outlives its trials
            LOG.debug("trial {} failed", job.trial(), e); // the stack trace, with --verbose
            return TrialOutcome.failed(TrialFailure.reason(e, job.run()), (System.nanoTime() - start) / 1e9);
        }
    }

    /** Trains the trial in {@code run}; a failure is recorded in the run's status file and train.log too. */
    private TrainResult train(RunDirectory run, ExperimentConfig config, StopSignal stop, TrialJob job) {
        run.status(RunStatus.RUNNING, job.resumeFrom() == null ? "training" : "training (resumed)");
        try {
            return trainer.train(config, run, stop, job.resumePath());
        } catch (RuntimeException | Error e) {
            run.failed(e);
            throw e;
        }
    }

    private TrialOutcome outcome(TrainResult result, String message) {
        ObjectiveScore.Best best = objective.best(result.history());
        TrialStatus status = switch (result.status()) {
            case COMPLETED -> TrialStatus.COMPLETED;
            case EARLY_STOPPED -> TrialStatus.EARLY_STOPPED;
            case DIVERGED -> TrialStatus.DIVERGED;
            case INTERRUPTED -> TrialStatus.INTERRUPTED;
        };
        return new TrialOutcome(status, Double.isFinite(best.value()) ? best.value() : null, best.epoch(),
                result.history().size(), result.seconds(), message);
    }
}
