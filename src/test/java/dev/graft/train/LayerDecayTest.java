package dev.graft.train;

import dev.graft.backbone.BackboneLoader;
import dev.graft.config.ExperimentConfig;
import dev.graft.model.HeadSpec;
import dev.graft.model.ModelAssembler;
import dev.graft.testing.TinyExperiments;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code train.layer_decay}: each stage's learning rate, as the model's own updaters will apply it. */
class LayerDecayTest {
    @TempDir
    Path dir;

    /** Stage -> the learning rates its trainable layers' updaters give at {@code iteration} (one value each). */
    private static Map<String, Double> ratesByStage(ComputationGraph model, FreezePlan plan, int iteration) {
        Map<String, Double> rates = new TreeMap<>();
        for (GraphVertex v : model.getVertices()) {
            if (!v.hasLayer() || v.getLayer() instanceof org.deeplearning4j.nn.layers.FrozenLayer
                    || !(v.getLayer().conf().getLayer() instanceof BaseLayer layer)
                    || layer.getIUpdater() instanceof org.nd4j.linalg.learning.config.NoOp) {
                continue;
            }
            String stage = plan.stages().containing(v.getVertexName()).map(s -> s.name()).orElse("head");
            double lr = layer.getIUpdater().getLearningRate(iteration, 0);
            Double seen = rates.putIfAbsent(stage, lr);
            assertTrue(seen == null || Math.abs(seen - lr) < 1e-15, stage + ": one rate per stage");
        }
        return rates;
    }

    @Test
    void ratesDecayFromTheHeadDownAndComposeWithUnfreezeMultipliers() throws IOException {
        // resnet20_cifar: stem, stage1..stage3. stem and stage1 unfreeze at epoch 2 with lr_mult 0.1.
        java.nio.file.Files.createDirectories(dir.resolve("colours")); // the config's data folder must exist
        ExperimentConfig config = TinyExperiments.config(dir, "decay", 2, "train.layer_decay=0.5",
                "train.schedule.type=constant", "train.optimizer.lr=0.01", "backbone.freeze=[stem, stage1]",
                "train.unfreeze=[{at_epoch: 2, stages: [stem, stage1], lr_mult: 0.1}]");
        FreezePlan plan = new FreezePlan(config);
        StageTraining training = ModelRecipe.training(config, plan, 2, 5);
        ComputationGraph model = ModelRecipe.assemble(config, BackboneLoader.standard(), plan, training,
                new HeadSpec(config.head(), 3, null));
        Map<String, Double> expected = new TreeMap<>(Map.of("head", 0.01, "stage3", 0.005, "stage2", 0.0025));
        assertRates(expected, ratesByStage(model, plan, 7));

        ComputationGraph unfrozen = ModelAssembler.refreeze(model, plan.stages(), List.of(), training);
        expected.put("stage1", 0.01 * 0.125 * 0.1);
        expected.put("stem", 0.01 * 0.0625 * 0.1);
        assertRates(expected, ratesByStage(unfrozen, plan, 7));
    }

    @Test
    void oneTurnsItOff() {
        Map<String, Double> factors = StageTraining.layerDecay(List.of("stem", "stage1", "stage2"), 1.0);
        assertEquals(Map.of("stem", 1.0, "stage1", 1.0, "stage2", 1.0), factors);
        assertEquals(Map.of("stem", 0.343, "stage1", 0.49, "stage2", 0.7),
                StageTraining.layerDecay(List.of("stem", "stage1", "stage2"), 0.7).entrySet().stream().collect(
                        java.util.stream.Collectors.toMap(Map.Entry::getKey,
                                e -> Math.round(e.getValue() * 1000) / 1000.0)));
    }

    private static void assertRates(Map<String, Double> expected, Map<String, Double> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((stage, lr) -> assertEquals(lr, actual.get(stage), lr * 1e-9, stage));
    }
}
