package dev.graft.backbone.layers;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Graft's convolution, BatchNorm and ReLU layers compute what DL4J's stock layers compute: the same outputs, loss,
 * parameter gradients and running statistics, in both layouts, in training and inference mode. The graph has
 * each kind of convolution the direct layer treats apart: strided 3x3 (on 10x10 as the first layer, and on 5x5
 * and 3x3 inside the graph, where its input gradient counts; 3x3 -> 2x2 has a stride phase of one row),
 * same-size 3x3 (few channels: weight gradient in the padded frame; 80 channels on 5x5: from shifted copies),
 * pointwise and strided pointwise, with and without bias.
 */
class DirectLayersTest {

    @ParameterizedTest
    @EnumSource(CNN2DFormat.class)
    void directLayersMatchDl4jsLayers(CNN2DFormat format) {
        ComputationGraph stock = graph(format, false);
        ComputationGraph direct = graph(format, true);
        direct.setParams(stock.params().dup());
        if (org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper.mklDnnEnabled()) {
            var bn = (org.deeplearning4j.nn.layers.normalization.BatchNormalization) direct.getLayer("bn");
            assertTrue(bn.getHelper() instanceof ChannelSumsBatchNorm, "channel-sums BatchNorm in use");
        }
        DataSet batch = batch();

        stock.setInputs(batch.getFeatures());
        stock.setLabels(batch.getLabels());
        stock.computeGradientAndScore();
        direct.setInputs(batch.getFeatures());
        direct.setLabels(batch.getLabels());
        direct.computeGradientAndScore();
        assertEquals(stock.score(), direct.score(), 1e-5 * Math.abs(stock.score()), "training-mode loss");
        Map<String, INDArray> expected = stock.gradient().gradientForVariable();
        Map<String, INDArray> actual = direct.gradient().gradientForVariable();
        assertEquals(expected.keySet(), actual.keySet());
        for (String key : expected.keySet()) {
            assertClose(expected.get(key), actual.get(key), key + " gradient");
        }

        for (int i = 0; i < 3; i++) {
            stock.fit(batch);
            direct.fit(batch);
        }
        assertClose(stock.getParam("bn_mean"), direct.getParam("bn_mean"), "running mean");
        assertClose(stock.getParam("bn_var"), direct.getParam("bn_var"), "running variance");
        assertClose(stock.outputSingle(false, batch.getFeatures()), direct.outputSingle(false, batch.getFeatures()),
                "inference output after training");
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        double scale = Math.max(1e-3, expected.amaxNumber().doubleValue());
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff <= 2e-4 * scale, what + ": max |difference| " + diff + " (largest value " + scale + ")");
    }

    private static ComputationGraph graph(CNN2DFormat format, boolean direct) {
        ConvolutionLayer.Builder conv = new ConvolutionLayer.Builder(3, 3).stride(2, 2).padding(1, 1).nOut(6)
                .hasBias(false).activation(Activation.IDENTITY).dataFormat(format);
        BatchNormalization bn = new BatchNormalization.Builder().eps(1e-5).decay(0.9).useLogStd(false)
                .activation(Activation.IDENTITY).dataFormat(format).build();
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder().seed(42)
                .dataType(DataType.FLOAT).updater(new Sgd(0.1)).convolutionMode(ConvolutionMode.Truncate)
                .graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(10, 10, 3));
        if (format == CNN2DFormat.NHWC) {
            g.addLayer("conv", direct ? new DirectConvolutionLayer(conv) : conv.build(), new NchwToNhwc(), "in");
        } else {
            g.addLayer("conv", direct ? new DirectConvolutionLayer(conv) : conv.build(), "in");
        }
        g.addLayer("bn", direct ? DirectBatchNormalizationLayer.of(bn) : bn, "conv")
                .addLayer("relu", direct ? new InPlaceReluLayer()
                        : new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn")
                .addLayer("conv3x3", conv(direct, new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(5)
                        .hasBias(true).activation(Activation.IDENTITY).dataFormat(format)), "relu")
                .addLayer("conv3x3wide", conv(direct, new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(80)
                        .hasBias(false).activation(Activation.IDENTITY).dataFormat(format)), "conv3x3")
                .addLayer("conv2", conv(direct, new ConvolutionLayer.Builder(1, 1).nOut(4)
                        .hasBias(true).activation(Activation.IDENTITY).dataFormat(format)), "conv3x3wide")
                .addLayer("shortcut", conv(direct, new ConvolutionLayer.Builder(1, 1).stride(2, 2).nOut(4)
                        .hasBias(false).activation(Activation.IDENTITY).dataFormat(format)), "relu")
                .addLayer("down", conv(direct, new ConvolutionLayer.Builder(3, 3).stride(2, 2).padding(1, 1).nOut(4)
                        .hasBias(true).activation(Activation.IDENTITY).dataFormat(format)), "relu")
                .addLayer("pool", globalPool(format), "conv2")
                .addLayer("shortcutPool", globalPool(format), "shortcut")
                .addLayer("down2", conv(direct, new ConvolutionLayer.Builder(3, 3).stride(2, 2).padding(1, 1).nOut(4)
                        .hasBias(false).activation(Activation.IDENTITY).dataFormat(format)), "down")
                .addLayer("downPool", globalPool(format), "down2")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "pool", "shortcutPool",
                        "downPool")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "add")
                .setOutputs("out");
        ComputationGraph graph = new ComputationGraph(g.build());
        graph.init();
        return graph;
    }

    private static GlobalPoolingLayer globalPool(CNN2DFormat format) {
        return new GlobalPoolingLayer.Builder(PoolingType.AVG).poolingDimensions(
                format == CNN2DFormat.NHWC ? new int[] {1, 2} : new int[] {2, 3}).build();
    }

    private static ConvolutionLayer conv(boolean direct, ConvolutionLayer.Builder builder) {
        return direct ? new DirectConvolutionLayer(builder) : builder.build();
    }

    private static DataSet batch() {
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.randn(DataType.FLOAT, 4, 3, 10, 10).muli(2).addi(0.5);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 4, 3);
        for (int i = 0; i < 4; i++) {
            y.putScalar(i, i % 3, 1f);
        }
        return new DataSet(x, y);
    }
}
