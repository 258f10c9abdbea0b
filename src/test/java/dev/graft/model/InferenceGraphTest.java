package dev.graft.model;

import dev.graft.backbone.Backbone;
import dev.graft.backbone.InputSpec;
import dev.graft.backbone.ResNetBuilder;
import dev.graft.backbone.ResNetSpec;
import dev.graft.config.HeadConfig;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Folding BatchNorm and ReLU into convolutions changes a trained model's outputs only by float rounding. */
class InferenceGraphTest {

    @Test
    void foldedChannelsLastResNetGivesTheTrainedOutputs() {
        ResNetSpec spec = new ResNetSpec("tiny-bottleneck", ResNetSpec.Stem.IMAGENET, ResNetSpec.Block.BOTTLENECK,
                List.of(1, 1), List.of(16, 32), 8, List.of(1, 2), true, ResNetSpec.Shortcut.PROJECTION, 10);
        assertEquals(CNN2DFormat.NHWC, ResNetBuilder.layoutOf(spec));
        checkFold(spec, 32, InputSpec.cifar());
    }

    @Test
    void foldedCifarResNetWithZeroPadShortcutsGivesTheTrainedOutputs() {
        ResNetSpec spec = new ResNetSpec("tiny-basic", ResNetSpec.Stem.CIFAR, ResNetSpec.Block.BASIC,
                List.of(1, 1, 1), List.of(4, 8, 16), 4, List.of(1, 2, 2), true, ResNetSpec.Shortcut.ZERO_PAD, 10);
        assertEquals(CNN2DFormat.NHWC, ResNetBuilder.layoutOf(spec));
        checkFold(spec, 16, InputSpec.cifar());
    }

    /**
     * A frozen CIFAR front (stem and stage1: no option-A shortcut) folds into a channels-last graph behind the same
     * NCHW input and 4-D output, with the unfolded front's outputs.
     */
    @Test
    void foldedChannelsFirstFrontComputesChannelsLastWithTheSameOutputs() {
        ResNetSpec spec = new ResNetSpec("tiny-front", ResNetSpec.Stem.CIFAR, ResNetSpec.Block.BASIC, List.of(2),
                List.of(4), 4, List.of(1), true, ResNetSpec.Shortcut.ZERO_PAD, 0);
        ResNetBuilder.Blueprint blueprint = ResNetBuilder.blueprint(spec, 12, 7);
        var conf = blueprint.configuration();
        String end = blueprint.stages().get("stage1").endVertex();
        conf.getVertices().remove(dev.graft.backbone.VertexNames.FEATURES);
        conf.getVertexInputs().remove(dev.graft.backbone.VertexNames.FEATURES);
        conf.setNetworkOutputs(List.of(end));
        conf.setTopologicalOrder(null);
        conf.setTopologicalOrderStr(null);
        ComputationGraph front = new ComputationGraph(conf);
        front.init();
        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(3);
        for (var layer : front.getLayers()) { // running statistics and affine away from their init
            if (layer instanceof BatchNormalization) {
                for (String p : List.of("gamma", "beta", "mean", "var")) {
                    INDArray value = layer.getParam(p);
                    value.assign(org.nd4j.linalg.factory.Nd4j.rand(value.dataType(), value.shape()).addi(0.5));
                }
            }
        }
        INDArray x = ModelAssemblerTest.batch(12, 13).getFeatures();
        INDArray expected = front.outputSingle(false, x).dup();

        ComputationGraph folded = InferenceGraph.fold(front);

        INDArray actual = folded.outputSingle(false, x);
        assertArrayEquals(expected.shape(), actual.shape());
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        double scale = expected.amaxNumber().doubleValue();
        assertTrue(diff < 1e-4 * scale, "max |difference| " + diff + " of activations up to " + scale);
        assertEquals(List.of(end), folded.getConfiguration().getNetworkOutputs());
        long channelsLast = Arrays.stream(folded.getLayers())
                .filter(l -> l.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer c
                        && c.getCnn2dDataFormat() == CNN2DFormat.NHWC)
                .count();
        assertEquals(5, channelsLast, "stem and both blocks' convolutions compute channels-last");
    }

    private static void checkFold(ResNetSpec spec, int size, InputSpec input) {
        ResNetBuilder.Blueprint blueprint = ResNetBuilder.blueprint(spec, size, 7);
        ComputationGraph graph = new ComputationGraph(blueprint.configuration());
        graph.init();
        Backbone backbone = new Backbone(spec, input, graph, blueprint.stages(), List.of());
        HeadSpec head = new HeadSpec(new HeadConfig(List.of(6), HeadConfig.Activation.RELU, 0.0, true), 3, null);
        ComputationGraph model = ModelAssembler.assemble(backbone, head, List.of("stem"),
                ModelAssemblerTest.sgd(0.05, Map.of()), 3);
        // A few steps move BatchNorm's running statistics and the trainable weights away from their init.
        DataSet batch = ModelAssemblerTest.batch(size, 11);
        for (int i = 0; i < 5; i++) {
            model.fit(batch);
        }
        INDArray x = ModelAssemblerTest.batch(size, 12).getFeatures();
        INDArray before = model.outputSingle(false, x).dup();

        ComputationGraph folded = InferenceGraph.fold(model);

        INDArray expected = model.outputSingle(false, x);
        assertEquals(before, expected, "folding must leave the trained model as it was");
        INDArray actual = folded.outputSingle(false, x);
        assertArrayEquals(expected.shape(), actual.shape());
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff < 1e-5, "max |difference| of probabilities " + diff);
        long backboneNorms = Arrays.stream(folded.getLayers())
                .filter(l -> l instanceof BatchNormalization && !l.conf().getLayer().getLayerName().startsWith("head"))
                .count();
        assertEquals(0, backboneNorms, "every backbone BatchNorm follows a convolution and is folded into it");
        assertTrue(folded.getVertices().length < model.getVertices().length);
        assertEquals(model.getConfiguration().getNetworkOutputs(), folded.getConfiguration().getNetworkOutputs());
    }

    private static void assertArrayEquals(long[] expected, long[] actual) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual);
    }
}
