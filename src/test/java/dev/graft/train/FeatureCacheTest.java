package dev.graft.train;

import dev.graft.backbone.BackboneLoader;
import dev.graft.config.ConfigLoader;
import dev.graft.config.ExperimentConfig;
import dev.graft.run.Provenance;
import dev.graft.run.RunDirectory;
import dev.graft.testing.ColourFolders;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training from cached frozen-stage outputs gives the same run as recomputing them every epoch. */
class FeatureCacheTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void makeData() {
        ColourFolders.colourFolders(dir.resolve("colours"), 8, 16, 3);
    }

    private static TrainResult run(String name, String freeze, String cache) throws IOException {
        return run(name, freeze, cache, 2, "");
    }

    private static TrainResult run(String name, String freeze, String cache, int epochs, String extraTrain)
            throws IOException {
        return run(name, freeze, cache, epochs, extraTrain, "");
    }

    /** {@code extraData}: more keys of the data mapping, each starting with ", ". */
    private static TrainResult run(String name, String freeze, String cache, int epochs, String extraTrain,
                                   String extraData) throws IOException {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, """
                name: %s
                seed: 5
                backbone: {arch: resnet20_cifar, weights: none, freeze: %s}
                head: {hidden: [8], dropout: 0.2}
                data: {root: colours, split: {val: 0.25}, image_size: 16, workers: 2%s}
                train:
                  epochs: %d
                  batch_size: 8
                  optimizer: {type: adam, lr: 1.0e-3}
                  cache_features: %s
                %s""".formatted(name, freeze, extraData, epochs, cache, extraTrain));
        ExperimentConfig config = new ConfigLoader().load(file);
        try (RunDirectory run = RunDirectory.create(dir.resolve("experiments"), config,
                Provenance.collect("test", 5, "test", Map.of()), LocalDateTime.now())) {
            return new Trainer(config, run, new StopSignal(), BackboneLoader.standard()).train(null);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"all", "[stem, stage1]"})
    void cachedRunEqualsUncachedRun(String freeze) throws IOException {
        String tag = freeze.equals("all") ? "all" : "partial";
        TrainResult plain = run("plain-" + tag, freeze, "false");
        TrainResult cached = run("cached-" + tag, freeze, "true");
        String log = Files.readString(cached.runDirectory().resolve("train.log"));
        assertTrue(log.contains("feature cache on"), log);
        String plainLog = Files.readString(plain.runDirectory().resolve("train.log"));
        assertTrue(plainLog.contains("frozen stages run as a folded inference graph"), plainLog);
        assertFalse(Files.exists(cached.runDirectory().resolve("cache")), "the cache is removed at the end");
        for (int i = 0; i < 2; i++) {
            EpochRecord a = plain.history().get(i);
            EpochRecord b = cached.history().get(i);
            assertEquals(a.trainLoss(), b.trainLoss(), 1e-5, "train loss, epoch " + (i + 1));
            assertEquals(a.valLoss(), b.valLoss(), 1e-5, "val loss, epoch " + (i + 1));
            assertEquals(a.valTop1(), b.valTop1(), 1e-9);
        }
        ComputationGraph p = ModelSerializer.restoreComputationGraph(
                plain.runDirectory().resolve("checkpoints/last.zip").toFile(), true);
        ComputationGraph c = ModelSerializer.restoreComputationGraph(
                cached.runDirectory().resolve("checkpoints/last.zip").toFile(), true);
        assertTrue(p.params().sub(c.params()).amaxNumber().doubleValue() < 1e-5, "same final parameters");
        assertTrue(p.getUpdater().getStateViewArray().sub(c.getUpdater().getStateViewArray())
                .amaxNumber().doubleValue() < 1e-5, "same optimizer state in the checkpoint");
    }

    /**
     * The split (folded frozen front + trainable tail) trains as the whole graph with frozen layers does: the
     * reference run keeps the whole graph because a stage unfreezes later (at epoch 3), so its first two
     * epochs are plain frozen training.
     */
    @Test
    void frozenFrontTrainsAsTheWholeGraphDoes() throws IOException {
        String constantRate = "  schedule: {type: constant}\n"; // the same rate however many epochs
        TrainResult split = run("split", "[stem, stage1]", "false", 2, constantRate);
        TrainResult whole = run("whole", "[stem, stage1]", "false", 3,
                constantRate + "  unfreeze: [{at_epoch: 3, stages: [stage1]}]\n");
        String log = Files.readString(whole.runDirectory().resolve("train.log"));
        assertFalse(log.contains("folded inference graph"), log);
        for (int i = 0; i < 2; i++) {
            EpochRecord a = whole.history().get(i);
            EpochRecord b = split.history().get(i);
            // Folding BatchNorm into the convolutions changes float rounding only: 1e-7 relative after one epoch
            // (measured). Adam then amplifies it (g / sqrt(v) for gradients near zero): 1e-4 after the second.
            double tolerance = i == 0 ? 1e-5 : 1e-3;
            assertEquals(a.trainLoss(), b.trainLoss(), tolerance * Math.max(1, a.trainLoss()),
                    "train loss, epoch " + (i + 1));
            assertEquals(a.valLoss(), b.valLoss(), tolerance * Math.max(1, a.valLoss()), "val loss, epoch " + (i + 1));
            assertEquals(a.valTop1(), b.valTop1(), 1e-9);
        }
        // The stem stays frozen in both runs: its weights and BatchNorm statistics are the initial ones, bit for bit.
        ComputationGraph splitModel = ModelSerializer.restoreComputationGraph(
                split.runDirectory().resolve("checkpoints/last.zip").toFile(), false);
        ComputationGraph wholeModel = ModelSerializer.restoreComputationGraph(
                whole.runDirectory().resolve("checkpoints/last.zip").toFile(), false);
        int checked = 0;
        for (var e : wholeModel.paramTable().entrySet()) {
            if (e.getKey().startsWith("stem.")) {
                assertEquals(e.getValue(), splitModel.getParam(e.getKey()), e.getKey());
                checked++;
            }
        }
        assertTrue(checked >= 5, "stem conv and BatchNorm parameters compared: " + checked);
    }

    /**
     * data.mix (issue 21) mixes images, not features: with frozen stages the auto cache streams the mixed images
     * through the frozen front, which trains as the whole graph does on the same mixed batches.
     */
    @Test
    void mixedImagesFlowThroughTheFrozenFrontAsThroughTheWholeGraph() throws IOException {
        String constantRate = "  schedule: {type: constant}\n";
        String mix = ", mix: {mixup: 0.4, cutmix: 1.0}";
        TrainResult split = run("mix-split", "[stem, stage1]", "auto", 2, constantRate, mix);
        TrainResult whole = run("mix-whole", "[stem, stage1]", "auto", 3,
                constantRate + "  unfreeze: [{at_epoch: 3, stages: [stage1]}]\n", mix);
        String log = Files.readString(split.runDirectory().resolve("train.log"));
        assertTrue(log.contains("feature cache off (data.mix"), log);
        for (int i = 0; i < 2; i++) {
            EpochRecord a = whole.history().get(i);
            EpochRecord b = split.history().get(i);
            assertEquals(a.trainLoss(), b.trainLoss(), 1e-4 * Math.max(1, a.trainLoss()),
                    "train loss, epoch " + (i + 1));
            assertEquals(a.valLoss(), b.valLoss(), 1e-4 * Math.max(1, a.valLoss()), "val loss, epoch " + (i + 1));
        }
    }

    /** The weight average and gradient accumulation see the same updates whether the tail replays the cache. */
    @Test
    void weightAverageAndAccumulationTrainAlikeWithTheCache() throws IOException {
        String recipe = "  ema: {decay: 0.7}\n  accumulate: 2\n";
        TrainResult plain = run("ema-plain", "[stem, stage1]", "false", 2, recipe);
        TrainResult cached = run("ema-cached", "[stem, stage1]", "true", 2, recipe);
        for (int i = 0; i < 2; i++) {
            EpochRecord a = plain.history().get(i);
            EpochRecord b = cached.history().get(i);
            assertEquals(a.valLoss(), b.valLoss(), 1e-5, "val loss of the average, epoch " + (i + 1));
            assertEquals(a.metric(EpochRecord.RAW_VAL_LOSS), b.metric(EpochRecord.RAW_VAL_LOSS), 1e-5);
            assertTrue(Math.abs(a.valLoss() - a.metric(EpochRecord.RAW_VAL_LOSS)) > 1e-6, "average is not raw");
        }
        var p = dev.graft.run.CheckpointFile.readAverage(plain.runDirectory().resolve("checkpoints/last.zip"));
        var c = dev.graft.run.CheckpointFile.readAverage(cached.runDirectory().resolve("checkpoints/last.zip"));
        assertTrue(p.sub(c).amaxNumber().doubleValue() < 1e-5, "same weight average");
    }
}
