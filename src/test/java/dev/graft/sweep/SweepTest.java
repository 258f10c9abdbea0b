package dev.graft.sweep;

import dev.graft.backbone.BackboneLoader;
import dev.graft.config.ConfigLoader;
import dev.graft.config.SweepLoader;
import dev.graft.config.SweepPlan;
import dev.graft.train.StopSignal;
import dev.graft.train.TrainResult;
import dev.graft.train.Trainer;
import dev.graft.testing.ColourFolders;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tiny real sweeps: a randomly initialised CIFAR ResNet-20, frozen (so only the head trains, on cached
 * features), on 16 px images of three colours (27 training images, 3 batches per epoch). The objective is the
 * training loss (minimised): with a learning rate of 1e-9 it cannot move, with 1e-2 it falls, so the best
 * trial is known. A data folder without class folders passes validation but makes its trials throw.
 */
class SweepTest {
    @TempDir
    static Path dir;

    static final TrialTrainer TRAINER = (config, run, stop, resume) ->
            new Trainer(config, run, stop, BackboneLoader.standard()).train(resume);

    @BeforeAll
    static void makeData() throws IOException {
        makeData(dir);
    }

    /** The colour images, a folder without class folders and the base experiment the sweep tests share. */
    static void makeData(Path dir) throws IOException {
        ColourFolders.colourFolders(dir.resolve("colours"), 12, 16, 11);
        Files.createDirectories(dir.resolve("empty")); // exists (so it validates) but has no class folders
        Files.writeString(dir.resolve("base.yaml"), """
                name: tiny
                seed: 5
                backbone: {arch: resnet20_cifar, weights: none, freeze: all}
                data: {root: colours, split: {val: 0.25}, image_size: 16, workers: 1}
                train:
                  epochs: 3
                  batch_size: 9
                  optimizer: {type: adam, lr: 1.0e-3}
                  schedule: {type: constant}
                """);
    }

    static SweepPlan sweep(String name, String body) throws IOException {
        return sweep(dir, name, body);
    }

    /** A sweep over {@code dir}'s base experiment, minimising the training loss. */
    static SweepPlan sweep(Path dir, String name, String body) throws IOException {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, "base: base.yaml\nobjective: {metric: train_loss}\n" + body);
        return new SweepLoader().load(file);
    }

    /** Records what the listener hears. */
    static class Heard implements TrialListener {
        final List<Integer> started = new ArrayList<>();
        final List<TrialRecord> finished = new ArrayList<>();

        @Override
        public synchronized void trialStarted(int trial, int planned, java.util.Map<String, String> values) {
            started.add(trial);
        }

        @Override
        public synchronized void trialFinished(TrialRecord record, int planned) {
            finished.add(record);
        }
    }

    @Test
    void gridFindsTheBestCombinationAndSurvivesFailingTrials() throws IOException {
        SweepPlan plan = sweep("grid", """
                strategy: grid
                grid_points: 2
                budget: {epochs_per_trial: 1}
                space:
                  train.optimizer.lr: {log_uniform: [1.0e-9, 1.0e-2]}
                  data.root: {choice: [colours, empty]}
                """);
        assertEquals(4, plan.sweep().trials());
        Heard heard = new Heard();
        SweepResult result = new SweepRunner(TRAINER, "test", heard).start(plan, dir.resolve("experiments"),
                new StopSignal());
        assertNull(result.stopReason());
        assertEquals(4, result.ranked().size());
        assertEquals(4, heard.finished.size());
        TrialRecord best = result.best().orElseThrow();
        assertEquals("0.01", best.values().get("train.optimizer.lr"));
        assertTrue(best.values().get("data.root").endsWith("colours\""), best.values().toString());
        long failed = result.ranked().stream().filter(r -> r.status() == TrialStatus.FAILED).count();
        assertEquals(2, failed, "the two trials on the empty folder throw and are recorded");
        result.ranked().stream().filter(r -> r.status() == TrialStatus.FAILED)
                .forEach(r -> assertTrue(r.message().contains("no class sub-folders"), r.message()));

        Path sweepDir = result.directory();
        List<String> csv = Files.readAllLines(sweepDir.resolve("trials.csv"));
        assertEquals(5, csv.size(), "header + 4 trials: " + csv);
        assertEquals("trial,train.optimizer.lr,data.root,objective,status,seconds,best_epoch,epochs,run,message",
                csv.get(0));
        for (String file : List.of("sweep.yaml", "base.yaml", "sweep-state.json", "best.yaml", "sweep-report.html",
                "plots/" + SweepPlots.fileName("train.optimizer.lr"), "plots/" + SweepPlots.fileName("data.root"))) {
            assertTrue(Files.size(sweepDir.resolve(file)) > 0, file);
        }
        var bestConfig = new ConfigLoader().load(sweepDir.resolve("best.yaml"));
        assertEquals(0.01, bestConfig.train().optimizer().lr(), 1e-12);
        assertEquals(1, bestConfig.train().epochs(), "best.yaml trains as the trial did (base: 3 epochs)");
        assertEquals("tiny", bestConfig.name());
        String html = Files.readString(sweepDir.resolve("sweep-report.html"));
        assertTrue(html.contains("plots/objective-vs-train.optimizer.lr.png") && html.contains("best.yaml"), html);
    }

    @Test
    void resumeSkipsFinishedTrials() throws IOException {
        SweepPlan plan = sweep("resume", """
                strategy: random
                trials: 2
                seed: 7
                budget: {epochs_per_trial: 1}
                space:
                  head.dropout: {uniform: [0.0, 0.5]}
                """);
        StopSignal stop = new StopSignal();
        Heard first = new Heard() {
            @Override
            public synchronized void trialFinished(TrialRecord record, int planned) {
                super.trialFinished(record, planned);
                stop.request("test stop after trial " + record.trial()); // like Ctrl-C between trials
            }
        };
        SweepResult stopped = new SweepRunner(TRAINER, "test", first).start(plan, dir.resolve("experiments"), stop);
        assertEquals("test stop after trial 1", stopped.stopReason());
        assertEquals(List.of(1), first.started);
        assertEquals(1, stopped.finished());
        Path trial1 = stopped.directory().resolve(stopped.ranked().get(0).run());
        long before = Files.getLastModifiedTime(trial1.resolve("metrics.csv")).toMillis();

        Heard second = new Heard();
        SweepResult resumed = new SweepRunner(TRAINER, "test", second).resume(stopped.directory(), new StopSignal());
        assertNull(resumed.stopReason());
        assertEquals(List.of(2), second.started, "trial 1 is not run again");
        assertEquals(2, resumed.finished());
        assertEquals(before, Files.getLastModifiedTime(trial1.resolve("metrics.csv")).toMillis());
        try (Stream<Path> runs = Files.list(trial1.getParent())) {
            assertEquals(1, runs.count(), "trial 1 still has exactly one run folder");
        }
        assertEquals(3, Files.readAllLines(resumed.directory().resolve("trials.csv")).size());
        assertEquals(stopped.ranked().get(0).values(), resumed.ranked().stream()
                .filter(r -> r.trial() == 1).findFirst().orElseThrow().values());
    }

    /** sweep.parallel: 2 runs two trials at once in this JVM; each trial's train.log holds only its own lines. */
    @Test
    void parallelTrialsEachKeepTheirOwnLog() throws Exception {
        SweepPlan plan = sweep("parallel", """
                strategy: random
                trials: 2
                parallel: 2
                seed: 3
                budget: {epochs_per_trial: 1}
                space:
                  head.dropout: {uniform: [0.0, 0.5]}
                """);
        CyclicBarrier together = new CyclicBarrier(2);
        TrialTrainer concurrently = (config, run, stop, resume) -> {
            await(together); // both trials' run folders (and logs) are open before either trains
            TrainResult result = TRAINER.train(config, run, stop, resume);
            await(together);
            return result;
        };
        SweepResult result = new SweepRunner(concurrently, "test", new Heard()).start(plan,
                dir.resolve("experiments"), new StopSignal());
        assertEquals(2, result.finished());
        for (TrialRecord trial : result.ranked()) {
            String log = Files.readString(result.directory().resolve(trial.run()).resolve("train.log"));
            long epochLines = log.lines().filter(l -> l.contains("epoch 1/1  loss")).count();
            assertEquals(1, epochLines, "trial " + trial.trial() + "'s log has its own epoch line only:\n" + log);
        }
    }

    /** A trial killed (kill -9) late in its run and resumed counts the time before the kill too. */
    @Test
    void aTrialResumedAfterAKillCountsItsWholeTime() throws IOException {
        SweepPlan plan = sweep("killed", """
                strategy: random
                trials: 1
                seed: 2
                budget: {epochs_per_trial: 3}
                space:
                  head.dropout: {uniform: [0.0, 0.5]}
                """);
        TrialTrainer stopsInTheLastEpoch = (config, run, stop, resume) ->
                TRAINER.train(config, run, StopSignal.afterBatches(8), resume); // 3 batches per epoch
        SweepResult first = new SweepRunner(stopsInTheLastEpoch, "test", new Heard()).start(plan,
                dir.resolve("experiments"), new StopSignal());
        TrialRecord before = first.ranked().get(0);
        assertEquals(TrialStatus.INTERRUPTED, before.status());
        // What kill -9 leaves: the record written when the attempt started (RUNNING, no time yet).
        SweepState state = SweepState.load(first.directory(), List.of("head.dropout"));
        state.put(new TrialRecord(1, before.values(), TrialStatus.RUNNING, null, 0, 0, 0, "running", before.run()));

        SweepResult resumed = new SweepRunner(TRAINER, "test", new Heard()).resume(first.directory(),
                new StopSignal());
        TrialRecord after = resumed.ranked().get(0);
        assertEquals(TrialStatus.COMPLETED, after.status());
        assertTrue(after.seconds() > before.seconds(), "the whole trial's time: " + after.seconds()
                + " s, of which the first attempt took " + before.seconds() + " s");
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(10, TimeUnit.MINUTES);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
