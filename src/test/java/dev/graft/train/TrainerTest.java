package dev.graft.train;

import dev.graft.config.ExperimentConfig;
import dev.graft.data.SyntheticShapes;
import dev.graft.run.RunDirectory;
import dev.graft.testing.ColourFolders;
import dev.graft.testing.TinyExperiments;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tiny end-to-end runs on Graft's synthetic shapes (CIFAR ResNet-20 from scratch, 24 px). */
class TrainerTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void makeData() {
        SyntheticShapes.generate(dir.resolve("shapes"), 16, 24, 7);
        ColourFolders.colourFolders(dir.resolve("colours"), 16, 24, 7);
    }

    /** The shared tiny experiment on the synthetic shapes, with one warm-up epoch. */
    static ExperimentConfig config(String name, int epochs, String... extra) throws IOException {
        // A test's own value for a key replaces the default (two --set of one key are an error).
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("data.root", "data.root=" + dir.resolve("shapes"));
        overrides.put("train.schedule.warmup_epochs", "train.schedule.warmup_epochs=1");
        for (String setting : extra) {
            overrides.put(setting.substring(0, setting.indexOf('=')), setting);
        }
        return TinyExperiments.config(dir, name, epochs, overrides.values().toArray(String[]::new));
    }

    /** Also for an ImageNet-layout ResNet, whose graph computes channels-last with Graft's direct layers. */
    @ParameterizedTest
    @ValueSource(strings = {"resnet20_cifar", "resnet18"})
    void resumedRunEqualsUninterruptedRun(String arch) throws IOException {
        ExperimentConfig config = config("resume-" + arch, 2, "backbone.arch=" + arch, "data.image_size=32");
        TrainResult whole;
        try (RunDirectory run = TestRuns.newRun(dir, config)) {
            whole = TestRuns.train(config, new StopSignal(), null, run);
        }
        assertEquals(TrainResult.Status.COMPLETED, whole.status());

        TrainResult first;
        Path runPath;
        try (RunDirectory run = TestRuns.newRun(dir, config)) {
            runPath = run.path();
            first = TestRuns.train(config, StopSignal.afterBatches(3), null, run); // mid-epoch 1 (5 batches per epoch)
        }
        assertEquals(TrainResult.Status.INTERRUPTED, first.status());
        assertTrue(first.message().contains("graft train --resume " + runPath), first.message());
        TrainResult resumed;
        try (RunDirectory run = RunDirectory.open(runPath)) {
            resumed = TestRuns.train(config, new StopSignal(), runPath.resolve("checkpoints/last.zip"), run);
        }
        assertEquals(TrainResult.Status.COMPLETED, resumed.status());
        assertEquals(whole.history().size(), resumed.history().size());
        for (int i = 0; i < whole.history().size(); i++) {
            EpochRecord a = whole.history().get(i);
            EpochRecord b = resumed.history().get(i);
            assertEquals(a.lr(), b.lr(), 1e-12);
            assertEquals(a.trainLoss(), b.trainLoss(), 1e-5, "train loss, epoch " + a.epoch());
            assertEquals(a.trainTop1(), b.trainTop1(), 1e-9);
            assertEquals(a.valLoss(), b.valLoss(), 1e-5, "val loss, epoch " + a.epoch());
            assertEquals(a.valTop1(), b.valTop1(), 1e-9);
        }
        ComputationGraph wholeModel = ModelSerializer.restoreComputationGraph(
                whole.runDirectory().resolve("checkpoints/last.zip").toFile(), false);
        ComputationGraph resumedModel = ModelSerializer.restoreComputationGraph(
                runPath.resolve("checkpoints/last.zip").toFile(), false);
        double diff = wholeModel.params().sub(resumedModel.params()).amaxNumber().doubleValue();
        assertTrue(diff < 1e-5, "final parameters equal (max abs diff " + diff + ")");
    }

    /** The in-training report is held back for 30 s; a run that stops early still leaves its epochs' report. */
    @Test
    void aRunStoppedAfterAnEpochLeavesTheReportOfThatEpoch() throws IOException {
        ExperimentConfig config = config("stop-report", 3);
        TrainResult stopped;
        try (RunDirectory run = TestRuns.newRun(dir, config)) {
            stopped = TestRuns.train(config, StopSignal.afterBatches(7), null, run); // epoch 2 of 5 batches each
        }
        assertEquals(TrainResult.Status.INTERRUPTED, stopped.status());
        assertEquals(1, stopped.history().size());
        String html = Files.readString(stopped.runDirectory().resolve("report.html"));
        assertTrue(html.contains("Per class"), "the report of epoch 1");
    }

    /** DL4J's score adds the weight-decay penalty; train_loss must be the cross-entropy alone, as val_loss is. */
    @Test
    void trainLossIsTheDataLossWithoutTheWeightDecayPenalty() throws IOException {
        ExperimentConfig config = config("decay", 1, "train.optimizer.weight_decay=50", "train.schedule.warmup_epochs=0");
        TrainResult result;
        try (RunDirectory run = TestRuns.newRun(dir, config)) {
            result = TestRuns.train(config, new StopSignal(), null, run);
        }
        ComputationGraph model = ModelSerializer.restoreComputationGraph(
                result.runDirectory().resolve("checkpoints/last.zip").toFile(), false);
        double penalty = model.calcRegularizationScore(true);
        double trainLoss = result.history().get(0).trainLoss();
        assertTrue(penalty > 10, "the penalty DL4J's score would add is large here: " + penalty);
        assertTrue(trainLoss < 3, "3-class cross-entropy, not cross-entropy + penalty: " + trainLoss);
    }

    @Test
    void learnsWellAboveChanceAndWritesEveryArtefact() throws IOException {
        ExperimentConfig config = config("learn", 4, "train.schedule.warmup_epochs=0", "checkpoint.keep_best=2",
                "data.root=" + dir.resolve("colours"));
        TrainResult result;
        try (RunDirectory run = TestRuns.newRun(dir, config)) {
            result = TestRuns.train(config, new StopSignal(), null, run);
        }
        assertEquals(TrainResult.Status.COMPLETED, result.status());
        double best = result.history().stream().mapToDouble(EpochRecord::valTop1).max().orElseThrow();
        assertTrue(best >= 0.75, "3 colours (chance 0.33): best val top-1 " + best);
        Path run = result.runDirectory();
        for (String file : List.of("config.yaml", "provenance.json", "train.log", "metrics.csv", "metrics.json",
                "confusion-1.csv", "confusion-4.csv", "confusion-best.csv", "data-report.json", "report.html",
                "plots/loss.png", "plots/accuracy.png", "plots/confusion-best.png", "checkpoints/last.zip",
                "checkpoints/best.zip")) {
            assertTrue(Files.size(run.resolve(file)) > 0, file);
        }
        List<String> csv = Files.readAllLines(run.resolve("metrics.csv"));
        assertEquals(String.join(",", EpochRecord.COLUMNS), csv.get(0));
        assertEquals(5, csv.size(), "header + one row per epoch");
        try (var files = Files.list(run.resolve("checkpoints"))) {
            assertEquals(2, files.filter(p -> p.getFileName().toString().startsWith("best-e")).count(),
                    "keep_best: 2");
        }
        Checkpoints.Loaded best1 = Checkpoints.read(result.bestCheckpoint());
        assertEquals(ColourFolders.COLOURS, best1.state().classes());
        assertEquals(result.bestEpoch(), best1.state().completedEpochs(), "best.zip is the best epoch's model");
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.contains("Per class") && html.contains("data:image/png;base64"), "self-contained report");

        // graft evaluate on a labelled folder: same metrics machinery, one CSV row per image.
        Path csvOut = dir.resolve("predictions.csv");
        TestSetEvaluation.Outcome eval = TestSetEvaluation.run(run, dir.resolve("colours"), csvOut);
        assertEquals(48, eval.metrics().count());
        assertTrue(eval.metrics().top1() >= 0.75, "evaluate top-1 " + eval.metrics().top1());
        List<String> rows = Files.readAllLines(csvOut);
        assertEquals("path,label,predicted," + ColourFolders.COLOURS.stream().map(c -> "p_" + c)
                .collect(java.util.stream.Collectors.joining(",")), rows.get(0));
        assertEquals(49, rows.size());
        long correct = rows.stream().skip(1).filter(r -> r.split(",")[1].equals(r.split(",")[2])).count();
        assertEquals(Math.round(eval.metrics().top1() * 48), correct, "CSV agrees with the metrics");
        assertEquals(dir.resolve("predictions-metrics.json"), eval.metricsJson(), "another folder's metrics sit "
                + "next to its CSV, not over the run's test-metrics.json");
    }
}
