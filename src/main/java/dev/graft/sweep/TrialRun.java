package dev.graft.sweep;

import dev.graft.GraftException;
import dev.graft.config.ConfigException;
import dev.graft.config.ExperimentConfig;
import dev.graft.config.SweepPlan;
import dev.graft.run.Provenance;
import dev.graft.run.RunDirectory;
import dev.graft.run.RunStatus;
import dev.graft.train.StopSignal;
import dev.graft.train.TrainResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one trial as a full Graft run: the base config with the trial's values (and {@code budget.epochs_per_trial})
 * applied, in its own run folder {@code trials/trial-NNN/<time>/}; an interrupted trial continues from its
 * {@code last.zip}. Whatever happens (divergence, an exception, running out of memory) ends as a
 * {@link TrialRecord}; nothing escapes to stop the sweep.
 */
final class TrialRun {
    private static final Logger LOG = LoggerFactory.getLogger(TrialRun.class);

    private final SweepPlan plan;
    private final Path sweepDir;
    private final SweepState state;
    private final TrialTrainer trainer;
    private final ObjectiveScore objective;
    private final String graftVersion;

    TrialRun(SweepPlan plan, Path sweepDir, SweepState state, TrialTrainer trainer, ObjectiveScore objective,
             String graftVersion) {
        this.plan = plan;
        this.sweepDir = sweepDir;
        this.state = state;
        this.trainer = trainer;
        this.objective = objective;
        this.graftVersion = graftVersion;
    }

    /** The trial's experiment config; {@code runName} names its run folder (null keeps the base's name). */
    static List<String> overrides(SweepPlan plan, Map<String, String> values, String runName) {
        List<String> out = new ArrayList<>(TrialPoint.overrides(values));
        int epochs = plan.sweep().budget().epochsPerTrial();
        if (epochs > 0) {
            out.add("train.epochs=" + epochs);
        }
        if (runName != null) {
            out.add("name=" + runName);
        }
        return out;
    }

    static String runName(int trial) {
        return String.format("trial-%03d", trial);
    }

    /** Runs (or continues, when {@code previous} was interrupted) trial {@code trial}. */
    TrialRecord run(int trial, Map<String, String> values, TrialRecord previous, StopSignal stop) {
        long start = System.nanoTime();
        Path last = previous == null || previous.run() == null ? null
                : sweepDir.resolve(previous.run()).resolve("checkpoints").resolve("last.zip");
        boolean resume = last != null && Files.isRegularFile(last);
        double carried = resume ? previous.seconds() : 0;
        String runDir = resume ? previous.run() : null;
        try {
            ExperimentConfig config = plan.experiment(overrides(plan, values, runName(trial)));
            try (RunDirectory run = resume ? RunDirectory.open(sweepDir.resolve(runDir))
                    : RunDirectory.create(sweepDir.resolve("trials"), config, provenance(trial, values, config),
                    LocalDateTime.now())) {
                runDir = sweepDir.relativize(run.path()).toString();
                state.put(new TrialRecord(trial, values, TrialStatus.RUNNING, null, 0, 0, carried,
                        resume ? "continuing from last.zip" : "running", runDir));
                TrainResult result = train(run, config, stop, resume ? last : null);
                String message = result.status() == TrainResult.Status.INTERRUPTED
                        ? stop.reason() + " after " + result.history().size() + " epoch(s); graft sweep --resume "
                        + "continues it from its last.zip" : result.message();
                run.status(result.runStatus(), message);
                return record(trial, values, result, message, result.seconds(), runDir);
            }
        } catch (ConfigException e) {
            return failed(trial, values, "invalid combination: " + e.getMessage(), carried + seconds(start), runDir);
        } catch (GraftException e) {
            return failed(trial, values, e.getMessage(), carried + seconds(start), runDir);
        } catch (OutOfMemoryError e) {
            LOG.debug("trial {} ran out of memory", trial, e);
            return failed(trial, values, "out of memory: " + e.getMessage(), carried + seconds(start), runDir);
        } catch (Exception | StackOverflowError e) { // a sweep outlives its trials: record the reason, go on
            LOG.debug("trial {} failed", trial, e); // the stack trace, with --verbose
            return failed(trial, values, "internal error: " + e + (runDir == null ? ""
                    : " (stack trace in " + runDir + "/train.log)"), carried + seconds(start), runDir);
        }
    }

    /** Trains the trial in {@code run}; a failure is recorded in the run's status file and train.log too. */
    private TrainResult train(RunDirectory run, ExperimentConfig config, StopSignal stop, Path resumeFrom) {
        run.status(RunStatus.RUNNING, resumeFrom == null ? "training" : "training (resumed)");
        try {
            return trainer.train(config, run, stop, resumeFrom);
        } catch (RuntimeException | Error e) {
            run.failed(e);
            throw e;
        }
    }

    private TrialRecord record(int trial, Map<String, String> values, TrainResult result, String message,
                               double seconds, String runDir) { // seconds: the run's, over all its attempts
        ObjectiveScore.Best best = objective.best(result.history());
        TrialStatus status = switch (result.status()) {
            case COMPLETED -> TrialStatus.COMPLETED;
            case EARLY_STOPPED -> TrialStatus.EARLY_STOPPED;
            case DIVERGED -> TrialStatus.DIVERGED;
            case INTERRUPTED -> TrialStatus.INTERRUPTED;
        };
        return new TrialRecord(trial, values, status, Double.isFinite(best.value()) ? best.value() : null,
                best.epoch(), result.history().size(), seconds, oneLine(message), runDir);
    }

    private static TrialRecord failed(int trial, Map<String, String> values, String reason, double seconds,
                                      String runDir) {
        return new TrialRecord(trial, values, TrialStatus.FAILED, null, 0, 0, seconds, oneLine(reason), runDir);
    }

    private Provenance provenance(int trial, Map<String, String> values, ExperimentConfig config) {
        return Provenance.collect(graftVersion, config.seed(), "graft sweep (" + sweepDir + ", trial " + trial + ")",
                Map.of("sweep", sweepDir.toString(), "trial", trial, "values", values));
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*\\n\\s*", "; ").trim();
    }
}
