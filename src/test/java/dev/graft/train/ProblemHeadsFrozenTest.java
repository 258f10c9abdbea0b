package dev.graft.train;

import dev.graft.backbone.BackboneLoader;
import dev.graft.config.ConfigLoader;
import dev.graft.config.ExperimentConfig;
import dev.graft.model.HeadSpec;
import dev.graft.run.RunDirectory;
import dev.graft.testing.ProblemSets;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Frozen stages with the multi-label and regression heads (issue 17): the feature cache gives the run that
 * recomputing the frozen front gives, with a loss mask (uncertain cells), positive weights and a Huber loss in
 * play; and stages frozen by {@code backbone.freeze} keep their weights until {@code train.unfreeze} releases them.
 */
class ProblemHeadsFrozenTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void makeData() throws IOException {
        ProblemSets.generate(dir, 32, 16, 13);
    }

    private static ExperimentConfig config(String problem, String name, int epochs, String... overrides)
            throws IOException {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, """
                name: %s
                seed: 5
                backbone: {arch: resnet20_cifar, weights: none, freeze: [stem, stage1]}
                head: {problem: %s, hidden: [16], dropout: 0.2}
                data: {csv: %s, split: {val: 0.25}, image_size: 16, workers: 2}
                train:
                  epochs: %d
                  batch_size: 8
                  optimizer: {type: adam, lr: 1.0e-2}
                  schedule: {type: constant}
                """.formatted(name, problem, ProblemSets.csv(dir, problem), epochs));
        return new ConfigLoader().load(file, List.of(overrides));
    }

    private static TrainResult train(ExperimentConfig config) {
        try (RunDirectory run = TestRuns.newRun(dir, config)) {
            return TestRuns.train(config, new StopSignal(), null, run);
        }
    }

    private static ComputationGraph last(TrainResult result) throws IOException {
        return ModelSerializer.restoreComputationGraph(
                result.runDirectory().resolve("checkpoints/last.zip").toFile(), true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"multi_label", "regression"})
    void cachedRunEqualsUncachedRun(String problem) throws IOException {
        boolean multi = problem.equals("multi_label");
        String loss = multi ? "head.pos_weight=auto" : "head.loss=huber";
        TrainResult plain = train(config(problem, "plain-" + problem, 2, loss, "train.cache_features=false"));
        TrainResult cached = train(config(problem, "cached-" + problem, 2, loss, "train.cache_features=true"));
        String log = Files.readString(cached.runDirectory().resolve("train.log"));
        assertTrue(log.contains("feature cache on"), log);
        if (multi) {
            assertTrue(log.contains("head.pos_weight auto: circle"), log);
        }
        assertFalse(Files.exists(cached.runDirectory().resolve("cache")), "the cache is removed at the end");
        String metric = multi ? "val_mauroc" : "val_mae";
        for (int i = 0; i < 2; i++) {
            EpochRecord a = plain.history().get(i);
            EpochRecord b = cached.history().get(i);
            assertEquals(a.trainLoss(), b.trainLoss(), 1e-5, "train loss, epoch " + (i + 1));
            assertEquals(a.valLoss(), b.valLoss(), 1e-5, "val loss, epoch " + (i + 1));
            assertEquals(a.metric(metric), b.metric(metric), 1e-5, metric + ", epoch " + (i + 1));
        }
        double diff = last(plain).params().sub(last(cached).params()).amaxNumber().doubleValue();
        assertTrue(diff < 1e-5, "same final parameters (max abs diff " + diff + ")");
    }

    /** stem and stage1 frozen; stage1 released at epoch 2: the stem ends as initialised, stage1 and stage2 trained. */
    @Test
    void frozenStagesStayFrozenUntilReleasedWithAMultiLabelHead() throws IOException {
        ExperimentConfig config = config("multi_label", "unfreeze", 2,
                "train.unfreeze=[{at_epoch: 2, stages: [stage1]}]");
        TrainResult result = train(config);
        assertEquals(TrainResult.Status.COMPLETED, result.status(), result.message());
        assertEquals(List.of("stem stage1", "stem"), result.history().stream().map(EpochRecord::frozen).toList());

        FreezePlan plan = new FreezePlan(config);
        ComputationGraph initial = ModelRecipe.assemble(config, BackboneLoader.standard(), plan,
                ModelRecipe.training(config, plan, 2, 3), new HeadSpec(config.head(), 3, null));
        ComputationGraph trained = last(result);
        int stem = 0;
        for (var e : initial.paramTable().entrySet()) {
            String name = e.getKey();
            boolean changed = !e.getValue().equals(trained.getParam(name));
            if (name.startsWith("stem.")) {
                assertFalse(changed, name + " is frozen for the whole run");
                stem++;
            } else if ((name.startsWith("stage1.") || name.startsWith("stage2.")) && name.endsWith("_W")) {
                assertTrue(changed, name + " trained");
            }
        }
        assertTrue(stem >= 5, "stem conv and BatchNorm parameters compared: " + stem);
        assertNotEquals(initial.getParam("head.out_W"), trained.getParam("head.out_W"), "the head trained");
    }
}
