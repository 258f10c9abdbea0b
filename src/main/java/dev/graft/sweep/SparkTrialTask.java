package dev.graft.sweep;

import dev.graft.GraftException;
import dev.graft.config.ConfigException;
import dev.graft.config.ConfigLoader;
import dev.graft.config.ExperimentConfig;
import dev.graft.config.FileChecks;
import dev.graft.run.RunDirectory;
import dev.graft.train.StopSignal;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Spark task of one trial, run on an executor ({@code executor: spark}, {@link SparkTrials}): checks that the
 * sweep folder is visible here (the shared filesystem), reads the trial's {@code config.yaml} from its run folder,
 * watches for the driver's {@link StopFile}, and trains with {@link TrialBody}, noting in the trial's train.log which
 * task and executor trained it and with how many threads.
 */
final class SparkTrialTask implements Function<TrialJob, TrialOutcome> {
    private static final long serialVersionUID = 1L;
    private final TrialBody body;

    SparkTrialTask(TrialBody body) {
        this.body = body;
    }

    @Override
    public TrialOutcome call(TrialJob planned) {
        long start = System.nanoTime();
        String where = placement();
        Path runDir = planned.runDir();
        if (!Files.isRegularFile(runDir.resolve(RunDirectory.CONFIG))) {
            return TrialOutcome.failed("the sweep folder " + planned.sweepDir() + " is not visible " + where
                    + ": executor: spark needs the sweep folder on a filesystem shared by the driver and every "
                    + "executor, under the same path", seconds(start));
        }
        TrialJob job = retryContinues(planned);
        ExperimentConfig config;
        try { // the config the driver wrote: one fact, read where the trial trains
            config = new ConfigLoader().checking(job.resumeFrom() == null ? FileChecks.Scope.ALL
                    : FileChecks.Scope.DATA).load(runDir.resolve(RunDirectory.CONFIG));
        } catch (ConfigException | GraftException e) { // as a result, not an exception Spark would retry
            return TrialOutcome.failed("its config does not load " + where + ": " + e.getMessage(),
                    seconds(start));
        }
        StopSignal stop = new StopSignal();
        try (StopFile.Watch watch = StopFile.watch(runDir, stop)) {
            return body.train(job, config, stop, "trial " + job.trial() + " trains " + where
                    + (job == planned ? "" : ", continuing from last.zip after a failed attempt"));
        }
    }

    /** A task Spark retries (its executor was lost) continues from the last checkpoint the lost one wrote. */
    private static TrialJob retryContinues(TrialJob job) {
        Path last = job.runDir().resolve("checkpoints").resolve("last.zip");
        return job.resumeFrom() == null && TaskContext.get().attemptNumber() > 0 && Files.isRegularFile(last)
                ? job.resumingFrom(last) : job;
    }

    /** The Spark task and executor running this trial, and the threads it gets. */
    private static String placement() {
        TaskContext task = TaskContext.get();
        SparkEnv env = SparkEnv.get();
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown host";
        }
        return String.format("in Spark task %d (stage %d, attempt %d) on executor %s at %s, spark.task.cpus %s, "
                        + "OMP_NUM_THREADS %s", task.taskAttemptId(), task.stageId(), task.attemptNumber(),
                env.executorId(), host, env.conf().get("spark.task.cpus", "1"),
                System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"));
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
