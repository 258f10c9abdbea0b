package dev.graft.sweep;

import dev.graft.config.SweepPlan;
import dev.graft.train.StopSignal;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code executor: spark} on {@code local[2]}: every trial is a Spark task (serialised, run on an executor thread,
 * its outcome serialised back) training the same tiny runs as {@link SweepTest}: a frozen CIFAR ResNet-20 on 16 px
 * colour images, 3 batches per epoch, objective the training loss.
 */
class SparkSweepTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void makeData() throws IOException {
        SweepTest.makeData(dir);
    }

    private static SweepPlan sweep(String name, String body) throws IOException {
        return SweepTest.sweep(dir, name, body);
    }

    private static SweepResult start(SweepPlan plan, TrialTrainer trainer, TrialListener listener, StopSignal stop) {
        return new SweepRunner(trainer, "test", listener).start(plan, dir.resolve("experiments"), stop);
    }

    @Test
    void trialsTrainInSparkTasksAndEndAsInALocalSweep() throws IOException {
        String grid = """
                strategy: grid
                grid_points: 2
                parallel: 2
                budget: {epochs_per_trial: 1}
                space:
                  train.optimizer.lr: {log_uniform: [1.0e-9, 1.0e-2]}
                  data.root: {choice: [colours, empty]}
                """;
        SweepResult local = start(sweep("grid-local", grid), SweepTest.TRAINER, new SweepTest.Heard(),
                new StopSignal());
        SweepPlan onSpark = sweep("grid-spark", grid).onSpark("local[2]");
        SweepResult spark = start(onSpark, SweepTest.TRAINER, new SweepTest.Heard(), new StopSignal());

        assertNull(spark.stopReason());
        assertEquals(4, spark.ranked().size());
        for (TrialRecord s : spark.ranked()) {
            TrialRecord l = trial(local, s.trial());
            assertEquals(l.values().get("train.optimizer.lr"), s.values().get("train.optimizer.lr"));
            assertEquals(l.status(), s.status(), "trial " + s.trial() + ": " + s.message());
            assertEquals(l.epochs(), s.epochs());
            if (s.status() == TrialStatus.FAILED) {
                assertTrue(s.message().contains("no class sub-folders"), s.message());
                assertEquals(l.message(), s.message(), "the same reason as the local trial's");
            } else {
                // The same seed and config in the same kind of process: the same training, to float noise.
                assertEquals(l.objective(), s.objective(), 1e-6 * l.objective(), "trial " + s.trial());
            }
            String log = Files.readString(spark.directory().resolve(s.run()).resolve("train.log"));
            assertTrue(log.contains("trial " + s.trial() + " trains in Spark task ")
                    && log.contains("on executor driver"), "trained in a Spark task:\n" + log);
            assertFalse(Files.readString(local.directory().resolve(l.run()).resolve("train.log"))
                    .contains("Spark task"));
        }
        assertEquals("0.01", spark.best().orElseThrow().values().get("train.optimizer.lr"));
        assertEquals(2, spark.ranked().stream().filter(r -> r.status() == TrialStatus.FAILED).count());
        assertTrue(Files.readString(spark.directory().resolve("sweep.yaml")).contains("executor: spark"));
        assertTrue(Files.size(spark.directory().resolve("sweep-report.html")) > 0);
    }

    /** A trial that waits (in its Spark task) until the sweep's stop request reaches it through the run folder. */
    static final TrialTrainer STOPS_WHEN_ASKED = (config, run, stop, resume) -> {
        if (resume == null) {
            awaitStop(stop);
        }
        return SweepTest.TRAINER.train(config, run, stop, resume);
    };

    @Test
    void aStoppedSweepResumesOnSparkFromTheInterruptedTrialsLastZip() throws IOException {
        SweepPlan plan = sweep("stop-spark", """
                strategy: random
                trials: 2
                seed: 7
                budget: {epochs_per_trial: 2}
                space:
                  head.dropout: {uniform: [0.0, 0.5]}
                """).onSpark("local[2]");
        StopSignal stop = new StopSignal();
        SweepTest.Heard first = new SweepTest.Heard() {
            @Override
            public synchronized void trialStarted(int trial, int planned, Map<String, String> values) {
                super.trialStarted(trial, planned, values);
                stop.request("test stop during trial " + trial); // Ctrl-C while the trial trains
            }
        };
        SweepResult stopped = start(plan, STOPS_WHEN_ASKED, first, stop);
        assertEquals("test stop during trial 1", stopped.stopReason());
        assertEquals(List.of(1), first.started);
        TrialRecord interrupted = trial(stopped, 1);
        assertEquals(TrialStatus.INTERRUPTED, interrupted.status(), interrupted.message());
        assertTrue(interrupted.message().startsWith("test stop during trial 1 after 0 epoch(s)"),
                "the driver's reason reached the executor: " + interrupted.message());
        Path run = stopped.directory().resolve(interrupted.run());
        assertTrue(Files.isRegularFile(run.resolve("checkpoints/last.zip")));
        assertFalse(Files.exists(run.resolve(StopFile.NAME)), "the stop request is cleared");

        SweepTest.Heard second = new SweepTest.Heard();
        SweepResult resumed = new SweepRunner(SweepTest.TRAINER, "test", second).resume(stopped.directory(),
                new StopSignal());
        assertNull(resumed.stopReason());
        assertEquals(List.of(1, 2), second.started.stream().sorted().toList());
        for (TrialRecord r : resumed.ranked()) {
            assertEquals(TrialStatus.COMPLETED, r.status(), r.message());
            assertEquals(2, r.epochs());
        }
        assertEquals(interrupted.run(), trial(resumed, 1).run(), "trial 1 continued in its own run folder");
        try (Stream<Path> runs = Files.list(run.getParent())) {
            assertEquals(1, runs.count(), "trial 1 still has exactly one run folder");
        }
        String log = Files.readString(run.resolve("train.log"));
        assertEquals(2, log.lines().filter(l -> l.contains("trial 1 trains in Spark task")).count(), log);
        assertTrue(log.contains("training (resumed)"), log);
    }

    @Test
    void anExecutorThatCannotSeeTheSweepFolderFailsTheTrialSayingSo() {
        TrialBody body = new TrialBody(SweepTest.TRAINER, new ObjectiveScore(
                new dev.graft.config.SweepObjective("train_loss", null)));
        // What an executor without the shared filesystem sees: no such folder.
        TrialJob job = new TrialJob(1, dir.resolve("not-shared").toString(), "trials/trial-001/x", null);
        TrialOutcome outcome;
        try (SparkTrials spark = new SparkTrials("unshared", "local[1]", body)) {
            outcome = spark.train(job, null, new StopSignal());
        }
        assertEquals(TrialStatus.FAILED, outcome.status());
        assertTrue(outcome.message().startsWith("the sweep folder " + dir.resolve("not-shared") + " is not visible "
                + "in Spark task "), outcome.message());
        assertTrue(outcome.message().endsWith("executor: spark needs the sweep folder on a filesystem shared by the "
                + "driver and every executor, under the same path"), outcome.message());
    }

    private static TrialRecord trial(SweepResult result, int trial) {
        return result.ranked().stream().filter(r -> r.trial() == trial).findFirst().orElseThrow();
    }

    private static void awaitStop(StopSignal stop) {
        long deadline = System.nanoTime() + 120_000_000_000L; // a lost request fails the test, it does not hang it
        while (!stop.requested() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
