package dev.graft.distributed;

import dev.graft.cli.GraftMain;
import dev.graft.config.ExperimentConfig;
import dev.graft.testing.ColourFolders;
import dev.graft.testing.TinyExperiments;
import dev.graft.train.Checkpoints;
import dev.graft.train.EpochRecord;
import dev.graft.train.StopSignal;
import dev.graft.train.TrainResult;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Graft on a real Spark standalone cluster: a master and two 1-core workers as separate JVMs on this machine
 * ({@link StandaloneCluster}), executors launched by the workers, the driver in this JVM. 2-6 minutes on 2
 * cores (every Spark application starts its executor JVMs, which load ND4J): {@code slow}, run by
 * {@code bench/spark-cluster.sh} and {@code mvn -Pslow verify}. Each test is bounded, so a hang fails it.
 */
@Tag("slow")
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class SparkClusterTest {
    @TempDir
    static Path dir;
    private static StandaloneCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        ColourFolders.colourFolders(dir.resolve("colours"), 32, 24, 7);
        cluster = StandaloneCluster.start(dir.resolve("cluster"), 2, "1g");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** SparkTrainingTest's local[2] experiment: 8 images per worker and step, no dropout. */
    private static final List<String> EXPERIMENT = List.of("train.batch_size=16", "head.dropout=0",
            "train.distributed.workers=2");

    @Test
    void graftTrainOnTheClusterLearnsAsOnLocal2AndWritesTheSameRunFolder() throws Exception {
        ExperimentConfig local = TinyRuns.config(dir, "local2", 4, onLocal2("train.distributed.averaging_frequency=1"));
        TrainResult reference = TinyRuns.train(dir, local, new StopSignal());

        Path runs = dir.resolve("cluster-runs");
        int code = cluster.asDriver(() -> graft(trainArgs("cluster", 4, runs, 1)));

        assertEquals(0, code, cluster.logTails());
        Path run = onlyRun(runs);
        List<EpochRecord> history = Checkpoints.read(run.resolve("checkpoints/last.zip")).state().history();
        TinyRuns.assertRunFolder(run, history, 4, 72);
        // Without dropout both runs compute the same thing (the same shares of the same batches, an average of
        // two that does not depend on the order): only float noise may differ.
        assertSameTraining(reference.history(), history);
        assertTrue(TinyRuns.bestValTop1(reference) >= 0.75, "the experiment learns: " + reference.history());
        assertTrue(Files.readString(run.resolve("provenance.json")).contains(cluster.masterUrl()));
    }

    /**
     * kill -9 of an executor while it trains its share of a round: Spark re-runs the task on the other executor
     * (its round's decoded images are lost with it and decoded again), the round is averaged from complete results
     * only, and the run ends as without the failure: same losses and accuracy as local[2], every image counted once.
     */
    @Test
    void anExecutorKilledMidRoundHasItsTaskRetriedAndTheRunEndsAsWithoutTheFailure() throws Exception {
        String[] settings = onCluster("train.distributed.averaging_frequency=5");
        ExperimentConfig config = TinyRuns.config(dir, "killed", 2, settings);
        TrainResult result = cluster.asDriver(watched(Map.of()), () -> {
            killExecutorInSecondRound();
            return TinyRuns.train(dir, config, new StopSignal());
        });

        assertEquals(TrainResult.Status.COMPLETED, result.status(), result.message());
        assertTrue(TaskWatch.tasksFailed.get() >= 1 && TaskWatch.executorsRemoved.get() >= 1,
                "the kill hit a running task: " + TaskWatch.tasksFailed + " failed tasks, "
                        + TaskWatch.executorsRemoved + " executors lost");
        TinyRuns.assertRunFolder(result, 2, 72);
        TrainResult local = TinyRuns.train(dir, TinyRuns.config(dir, "killed-local", 2,
                onLocal2("train.distributed.averaging_frequency=5")), new StopSignal());
        assertSameTraining(local.history(), result.history());
    }

    /**
     * With {@code spark.task.maxFailures=1} the same kill makes Spark abort the round's job: Graft stops the run as
     * after Ctrl-C, naming the cause, with a {@code last.zip} at the round's start; the resumed run completes.
     */
    @Test
    void whenSparkGivesUpOnARoundTheRunStopsResumablyAndResumes() throws Exception {
        Path runs = dir.resolve("given-up-runs");
        String[] args = trainArgs("given-up", 2, runs, 5);
        int code = cluster.asDriver(watched(Map.of("spark.task.maxFailures", "1")), () -> {
            killExecutorInSecondRound();
            return graft(args);
        });

        Path run = onlyRun(runs);
        List<String> status = Files.readAllLines(run.resolve("status"));
        assertEquals(130, code, "stopped, resumable: " + status);
        assertEquals("stopped", status.get(0));
        assertTrue(status.get(1).startsWith("Spark gave up on the round of batches 1-5 (Job aborted due to stage "
                + "failure"), status.get(1));
        assertTrue(status.get(1).contains("resume with: graft train --resume " + run), status.get(1));
        Checkpoints.Loaded last = Checkpoints.read(run.resolve("checkpoints/last.zip"));
        assertEquals(1, last.state().completedEpochs(), "epoch 1 was done");
        assertEquals(0, last.state().batchesDone(), "the aborted round is redone from its start");

        int resumed = cluster.asDriver(() -> graft("train", "--resume", run.toString()));
        assertEquals(0, resumed);
        List<EpochRecord> history = Checkpoints.read(run.resolve("checkpoints/last.zip")).state().history();
        TinyRuns.assertRunFolder(run, history, 2, 72);
        assertEquals("completed", Files.readAllLines(run.resolve("status")).get(0));
    }

    /**
     * A real SIGINT to the driver (this JVM, running graft train as a user's command) while a round trains: the run
     * stops after that round, as in local mode, and {@code graft train --resume} completes it on the cluster.
     */
    @Test
    void ctrlCOnTheDriverMidRoundStopsAfterTheRoundAndTheRunResumesOnTheCluster() throws Exception {
        Path runs = dir.resolve("driver-stop-runs");
        String[] args = trainArgs("driver-stop", 1, runs, 2);
        AtomicBoolean signalled = new AtomicBoolean();
        int code = cluster.asDriver(watched(Map.of()), () -> {
            TaskWatch.onTaskStart = task -> {
                if (training(task) && signalled.compareAndSet(false, true)) {
                    sigint(ProcessHandle.current().pid()); // graft train's StopOnSignal handles it
                }
            };
            return graft(args);
        });

        Path run = onlyRun(runs);
        List<String> status = Files.readAllLines(run.resolve("status"));
        assertEquals(130, code, "stopped: " + status);
        assertEquals("stopped", status.get(0));
        assertTrue(status.get(1).startsWith("SIGINT: stopped"), status.get(1));
        Checkpoints.Loaded last = Checkpoints.read(run.resolve("checkpoints/last.zip"));
        assertEquals(2, last.state().batchesDone(), "the round of batches 1-2 finished, then the run stopped");
        assertEquals(2, last.model().getIterationCount());

        int resumed = cluster.asDriver(() -> graft("train", "--resume", run.toString()));
        assertEquals(0, resumed);
        Checkpoints.Loaded done = Checkpoints.read(run.resolve("checkpoints/last.zip"));
        assertEquals(72, done.state().history().get(0).trainImages(), "the resumed epoch counts all its images");
        assertEquals(5, done.model().getIterationCount(), "one step per batch over both attempts");
    }

    /**
     * {@code graft train} of {@link #EXPERIMENT} ({@link TinyExperiments}' file {@code name}) on the cluster,
     * averaging every {@code averaging} batches, run folders under {@code runs}.
     */
    private static String[] trainArgs(String name, int epochs, Path runs, int averaging) throws IOException {
        Path config = TinyExperiments.file(dir, name, epochs);
        List<String> args = new ArrayList<>(List.of("train", "--config", config.toString(),
                "--spark-master", cluster.masterUrl(), "--runs-dir", runs.toString()));
        EXPERIMENT.forEach(s -> args.addAll(List.of("--set", s)));
        args.addAll(List.of("--set", "train.distributed.averaging_frequency=" + averaging));
        return args.toArray(String[]::new);
    }

    /** Runs Graft's command line in this JVM, as a user's command; its errors go to the test's output. */
    private static int graft(String... args) {
        return GraftMain.run(args, new PrintWriter(new StringWriter(), true), new PrintWriter(System.err, true));
    }

    private static void sigint(long pid) {
        try {
            int exit = new ProcessBuilder("kill", "-INT", String.valueOf(pid)).inheritIO().start().waitFor();
            assertEquals(0, exit, "kill -INT " + pid);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Driver settings with {@link TaskWatch} listening (reset), plus {@code more}. */
    private static Map<String, String> watched(Map<String, String> more) {
        TaskWatch.reset();
        Map<String, String> settings = new HashMap<>(more);
        settings.put("spark.extraListeners", TaskWatch.setting());
        return settings;
    }

    /** A task of a round's training stage (DL4J fits inside its treeAggregate; the count stage only decodes). */
    private static boolean training(SparkListenerTaskStart task) {
        return TaskWatch.stageName(task.stageId()).startsWith("treeAggregate at ParameterAveragingTrainingMaster");
    }

    /** SIGKILLs the executor running the first training task of the second round, as it starts. */
    private static void killExecutorInSecondRound() {
        AtomicInteger trainingTasks = new AtomicInteger();
        AtomicReference<String> killed = new AtomicReference<>();
        TaskWatch.onTaskStart = task -> {
            String executor = task.taskInfo().executorId();
            if (training(task) && trainingTasks.incrementAndGet() > 2 && killed.compareAndSet(null, executor)) {
                ProcessHandle jvm = cluster.executor(executor).orElseThrow();
                jvm.destroyForcibly();
                System.out.println("killed executor " + executor + " (pid " + jvm.pid() + ") in stage "
                        + task.stageId());
            }
        };
    }

    /** Per epoch: the same training loss (to float noise) and validation top-1 (to one image in 24). */
    private static void assertSameTraining(List<EpochRecord> expected, List<EpochRecord> actual) {
        assertEquals(expected.size(), actual.size(), "epochs");
        for (int e = 0; e < expected.size(); e++) {
            assertEquals(expected.get(e).trainLoss(), actual.get(e).trainLoss(), 1e-3 * expected.get(e).trainLoss(),
                    "train loss, epoch " + (e + 1));
            assertEquals(expected.get(e).valTop1(), actual.get(e).valTop1(), 1.0 / 24 + 1e-9,
                    "val top-1, epoch " + (e + 1));
        }
    }

    /** {@link #EXPERIMENT} on local[2], with {@code more} settings. */
    private static String[] onLocal2(String... more) {
        List<String> settings = new ArrayList<>(EXPERIMENT);
        settings.addAll(List.of("train.distributed.engine=spark", "train.distributed.master=local[2]"));
        settings.addAll(List.of(more));
        return settings.toArray(String[]::new);
    }

    /** {@link #EXPERIMENT} on the cluster, with {@code more} settings. */
    private static String[] onCluster(String... more) {
        List<String> settings = new ArrayList<>(EXPERIMENT);
        settings.addAll(List.of("train.distributed.engine=spark",
                "train.distributed.master=\"" + cluster.masterUrl() + "\""));
        settings.addAll(List.of(more));
        return settings.toArray(String[]::new);
    }

    /** The one run folder under {@code runs} ({@code runs/NAME/TIMESTAMP}). */
    private static Path onlyRun(Path runs) throws Exception {
        try (var walk = Files.walk(runs, 2)) {
            List<Path> found = walk.filter(p -> Files.isRegularFile(p.resolve("config.yaml"))).toList();
            assertEquals(1, found.size(), "run folders " + found);
            return found.get(0);
        }
    }
}
