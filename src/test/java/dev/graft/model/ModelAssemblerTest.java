package dev.graft.model;

import dev.graft.backbone.Backbone;
import dev.graft.backbone.InputSpec;
import dev.graft.backbone.ResNetBuilder;
import dev.graft.backbone.ResNetSpec;
import dev.graft.backbone.Stage;
import dev.graft.backbone.Stages;
import dev.graft.config.HeadConfig;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.Regularization;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Freezing by stage on a tiny CIFAR-layout ResNet: frozen weights and BN statistics stay bit-identical. */
class ModelAssemblerTest {
    private static final int SIZE = 16;

    static Backbone tinyBackbone(long seed) {
        ResNetSpec spec = new ResNetSpec("tiny", ResNetSpec.Stem.CIFAR, ResNetSpec.Block.BASIC, List.of(1, 1, 1),
                List.of(4, 8, 16), 4, List.of(1, 2, 2), true, ResNetSpec.Shortcut.ZERO_PAD, 10);
        ResNetBuilder.Blueprint blueprint = ResNetBuilder.blueprint(spec, SIZE, seed);
        ComputationGraph graph = new ComputationGraph(blueprint.configuration());
        graph.init();
        return new Backbone(spec, InputSpec.cifar(), graph, blueprint.stages(), List.of());
    }

    /** Plain SGD, stage learning rates scaled by {@code multipliers}. */
    static LayerTraining sgd(double lr, Map<String, Double> multipliers) {
        return new LayerTraining() {
            public IUpdater updater(String stage) {
                return new Sgd(lr * multipliers.getOrDefault(stage, 1.0));
            }

            public List<Regularization> weightRegularization() {
                return List.of();
            }

            public double gradientClip() {
                return 0;
            }
        };
    }

    static DataSet batch(long seed) {
        return batch(SIZE, seed);
    }

    /** Eight random {@code size}-pixel images, labels cycling through three classes. */
    static DataSet batch(int size, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.randn(DataType.FLOAT, 8, 3, size, size);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 8, 3);
        for (int i = 0; i < 8; i++) {
            y.putScalar(i, i % 3, 1f);
        }
        return new DataSet(x, y);
    }

    /** Copies of a stage's parameters, by the names the stage lists (each must exist in the model). */
    static Map<String, INDArray> snapshot(ComputationGraph g, Stage stage) {
        Map<String, INDArray> out = new HashMap<>();
        for (String name : stage.parameterNames()) {
            INDArray value = g.paramTable().get(name);
            assertTrue(value != null, name + " is a parameter of the model");
            out.put(name, value.dup());
        }
        assertTrue(!out.isEmpty(), stage.name() + " has parameters");
        return out;
    }

    private static HeadSpec head(int hidden) {
        return new HeadSpec(new HeadConfig(hidden > 0 ? List.of(hidden) : List.of(), HeadConfig.Activation.RELU,
                0.2, hidden > 0), 3, null);
    }

    @Test
    void frozenStagesStayBitIdenticalIncludingBatchNormStatistics() {
        Backbone backbone = tinyBackbone(1);
        ComputationGraph model = ModelAssembler.assemble(backbone, head(8), List.of("stem", "stage1"),
                sgd(0.1, Map.of()), 7);
        Stages stages = backbone.stages();
        assertEquals(List.of("stem", "stage1"), stages.frozenIn(model));
        Map<String, INDArray> stem = snapshot(model, stages.get("stem"));
        Map<String, INDArray> stage1 = snapshot(model, stages.get("stage1"));
        Map<String, INDArray> stage2 = snapshot(model, stages.get("stage2"));
        assertTrue(stem.keySet().stream().anyMatch(k -> k.endsWith("_mean")), "BN running mean is checked");
        assertEquals(backbone.graph().getParam("stem.conv_W"), model.getParam("stem.conv_W"),
                "imported weights are copied into the classifier");
        for (int i = 0; i < 3; i++) {
            model.fit(batch(i));
        }
        stem.forEach((k, v) -> assertEquals(v, model.getParam(k), k + " must not change"));
        stage1.forEach((k, v) -> assertEquals(v, model.getParam(k), k + " must not change"));
        assertTrue(stage2.entrySet().stream().anyMatch(e -> !e.getValue().equals(model.getParam(e.getKey()))),
                "trainable stage2 learns");
        assertTrue(stage2.entrySet().stream().filter(e -> e.getKey().endsWith("_mean"))
                .anyMatch(e -> !e.getValue().equals(model.getParam(e.getKey()))),
                "trainable BatchNorm updates its running mean");
    }

    @Test
    void unfreezingTakesEffectWithTheLearningRateMultiplier() {
        Backbone backbone = tinyBackbone(2);
        ComputationGraph frozen = ModelAssembler.assemble(backbone, head(0), List.of("stem", "stage1"),
                sgd(0.05, Map.of()), 7);
        INDArray start = frozen.params().dup();
        Stages stages = backbone.stages();
        ComputationGraph slow = ModelAssembler.refreeze(frozen, stages, List.of("stem"),
                sgd(0.05, Map.of("stage1", 0.1)));
        ComputationGraph fast = ModelAssembler.refreeze(frozen, stages, List.of("stem"),
                sgd(0.05, Map.of("stage1", 1.0)));
        assertEquals(start, slow.params(), "refreezing keeps every parameter");
        assertEquals(List.of("stem"), stages.frozenIn(slow));
        String w = "stage1.block0.conv1_W";
        INDArray before = slow.getParam(w).dup();
        DataSet data = batch(11);
        Nd4j.getRandom().setSeed(5); // same dropout masks in both runs
        slow.fit(data);
        Nd4j.getRandom().setSeed(5);
        fast.fit(data);
        INDArray slowStep = slow.getParam(w).sub(before);
        INDArray fastStep = fast.getParam(w).sub(before);
        assertNotEquals(0.0, fastStep.norm2Number().doubleValue(), "unfrozen stage1 now learns");
        assertEquals(0.1, slowStep.norm2Number().doubleValue() / fastStep.norm2Number().doubleValue(), 1e-4,
                "stage1 steps at 0.1 x the base learning rate");
        assertEquals(frozen.getParam("stem.conv_W"), slow.getParam("stem.conv_W"), "stem stays frozen");
    }

    @Test
    void frozenModelSurvivesSaveAndRestore() throws java.io.IOException {
        Backbone backbone = tinyBackbone(3);
        ComputationGraph model = ModelAssembler.assemble(backbone, head(8), List.of("stem", "stage1"),
                sgd(0.1, Map.of()), 7);
        model.fit(batch(1));
        java.io.File file = java.io.File.createTempFile("frozen", ".zip");
        file.deleteOnExit();
        org.deeplearning4j.util.ModelSerializer.writeModel(model, file, true);
        ComputationGraph back = org.deeplearning4j.util.ModelSerializer.restoreComputationGraph(file, true);
        assertEquals(List.of("stem", "stage1"), backbone.stages().frozenIn(back));
        INDArray x = batch(2).getFeatures();
        assertEquals(model.outputSingle(false, x), back.outputSingle(false, x));
    }
}
