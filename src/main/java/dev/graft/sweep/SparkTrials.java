package dev.graft.sweep;

import dev.graft.GraftException;
import dev.graft.Threads;
import dev.graft.config.ExperimentConfig;
import dev.graft.distributed.SparkContexts;
import dev.graft.train.StopSignal;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code executor: spark}: every trial is a Spark job of one task, which trains the trial as a single-process run
 * on an executor ({@link SparkTrialTask} running {@link TrialBody}, the same code a local trial runs). Arbiter's
 * runner stays on the driver: its {@code parallel} threads each submit one trial's job and wait for it, so candidate
 * generation, termination and the sweep's record work as in a local sweep; Spark places the tasks on free executor
 * cores. The trial's config is read on the executor from the run folder the driver wrote.
 *
 * <p>The sweep folder must be visible under the same path on the driver and every executor (a shared
 * filesystem): the task reads the trial's {@code config.yaml} and writes its run folder there, and a stop request
 * reaches it as a {@link StopFile}. An executor's OpenMP teams are sized by {@code spark.task.cpus} (set as the
 * executors' {@code OMP_NUM_THREADS} unless given), so trials sharing an executor do not oversubscribe its cores.
 */
final class SparkTrials implements TrialExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(SparkTrials.class);
    private static final long POLL_MS = 200;
    private final JavaSparkContext spark;
    private final TrialBody body;

    SparkTrials(String sweepName, String master, TrialBody body) {
        this.spark = SparkContexts.open("graft sweep " + sweepName, master, SparkTrials::executorDefaults);
        this.body = body;
        LOG.info("sweep trials run as Spark tasks on {} (default parallelism {})", spark.master(),
                spark.defaultParallelism());
    }

    /** One OpenMP thread per task CPU on every executor. */
    static void executorDefaults(SparkConf conf) {
        conf.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", conf.get("spark.task.cpus", "1"));
    }

    @Override
    public TrialOutcome train(TrialJob job, ExperimentConfig config, StopSignal stop) {
        try {
            StopFile.clear(job.runDir());
        } catch (IOException e) {
            throw new GraftException("cannot prepare the run folder of trial " + job.trial() + ": " + e.getMessage(),
                    e);
        }
        spark.setJobDescription("graft sweep trial " + job.trial());
        JavaFutureAction<List<TrialOutcome>> result = spark.parallelize(List.of(job), 1)
                .map(new SparkTrialTask(body)).collectAsync();
        boolean stopSent = false;
        try {
            while (true) {
                try {
                    return result.get(POLL_MS, TimeUnit.MILLISECONDS).get(0);
                } catch (TimeoutException e) {
                    if (stop.requested() && !stopSent) {
                        StopFile.request(job.runDir(), stop.reason());
                        stopSent = true;
                    }
                }
            }
        } catch (ExecutionException e) {
            throw new GraftException("Spark task failed: " + rootCause(e), e);
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw new GraftException("interrupted while waiting for its Spark task", e);
        } finally {
            try {
                StopFile.clear(job.runDir()); // a request sent after the trial had ended
            } catch (IOException e) {
                LOG.debug("cannot remove the stop request of trial {}", job.trial(), e);
            }
        }
    }

    private static String rootCause(Throwable e) {
        Throwable cause = Threads.rootCause(e);
        String first = String.valueOf(cause.getMessage()).lines().findFirst().orElse("");
        return cause == e ? first : cause.getClass().getSimpleName() + ": " + first;
    }

    @Override
    public void close() {
        spark.close();
    }
}
