package dev.graft.export;

import dev.graft.backbone.ResNetBuilder;
import dev.graft.backbone.ResNetSpec;
import dev.graft.backbone.Stage;
import dev.graft.backbone.Stages;
import dev.graft.config.HeadConfig;
import dev.graft.model.GradCam;
import dev.graft.model.Heatmap;
import dev.graft.model.InferenceGraph;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.TransferLearningHelper;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Grad-CAM's gradients are the derivatives of the class logit (checked against central differences of the trained,
 * unfolded model run by DL4J itself, in double), and the folded inference graph explains an image as the trained one.
 */
class GradCamTest {
    private static final int SIZE = 16;
    private static final int CLASSES = 3;
    /** A hidden layer with BatchNorm and dropout in the head: both behave differently in training and inference. */
    private static final HeadConfig HEAD = TinyClassifiers.head(List.of(6), HeadConfig.Activation.RELU, true);

    @Test
    void channelWeightsAreTheLogitsDerivativesOnATinyCifarResNet() {
        ResNetSpec spec = TinyClassifiers.cifar();
        ComputationGraph model = TinyClassifiers.build(spec, SIZE, HEAD, CLASSES, List.of(), 3);
        INDArray image = TinyClassifiers.images(1, SIZE, 4);
        for (String stageName : List.of("stage3", "stage2")) {
            Stage stage = Stages.of(spec).get(stageName);
            INDArray a = model.feedForward(image, false).get(stage.endVertex()).dup();
            CNN2DFormat layout = ResNetBuilder.layoutOf(spec);
            int channelAxis = layout == CNN2DFormat.NHWC ? 3 : 1;
            GradCam cam = GradCam.of(model, stage.endVertex(), layout, SIZE);
            Oracle oracle = new Oracle(model, stage.endVertex(), channelAxis);
            long hw = a.length() / a.size(0) / a.size(channelAxis);
            for (int c = 0; c < CLASSES; c++) {
                GradCam.Result result = cam.explain(a, c);
                assertEquals(oracle.logit(a, c), result.logit(), 1e-4, "the explained score is the logit");
                double[] derivatives = new double[(int) a.size(channelAxis)];
                double largest = 0;
                for (int k = 0; k < derivatives.length; k++) {
                    derivatives[k] = oracle.shiftDerivative(a, c, k);
                    largest = Math.max(largest, Math.abs(derivatives[k]));
                }
                assertTrue(largest > 1e-3, "the logit must depend on the stage output, max derivative " + largest);
                for (int k = 0; k < derivatives.length; k++) {
                    assertEquals(derivatives[k] / hw, result.weights()[k], 1e-4 * largest / hw + 1e-7,
                            stageName + " class " + c + " channel " + k);
                }
            }
        }
    }

    @Test
    void foldedAndTrainedGraphsGiveTheSameMapCifar() {
        ResNetSpec spec = TinyClassifiers.cifar();
        checkFoldedMap(spec, ResNetBuilder.layoutOf(spec), List.of("stage3", "stem"));
    }

    @Test
    void foldedAndTrainedGraphsGiveTheSameMapChannelsLast() {
        ResNetSpec spec = TinyClassifiers.imagenet();
        assertEquals(CNN2DFormat.NHWC, ResNetBuilder.layoutOf(spec));
        checkFoldedMap(spec, CNN2DFormat.NHWC, List.of("stage3", "stage2"));
    }

    /** Models of this version are channels-last; a CIFAR model saved by an earlier version computes NCHW. */
    @Test
    void theLayoutIsReadFromTheModelNotTheArchitecture() {
        ResNetSpec spec = TinyClassifiers.cifar();
        ComputationGraph model = TinyClassifiers.build(spec, SIZE, HEAD, CLASSES, List.of(), 3);
        assertEquals(CNN2DFormat.NHWC, GradCam.layoutAt(model.getConfiguration(), Stages.of(spec).get("stage3")
                .endVertex()));
        var channelsFirst = new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("in").setInputTypes(org.deeplearning4j.nn.conf.inputs.InputType.convolutional(8, 8, 3))
                .addLayer("conv", new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nOut(4)
                        .dataFormat(CNN2DFormat.NCHW).build(), "in")
                .addVertex("add", new org.deeplearning4j.nn.conf.graph.ElementWiseVertex(
                        org.deeplearning4j.nn.conf.graph.ElementWiseVertex.Op.Add), "conv", "conv")
                .setOutputs("add").build();
        assertEquals(CNN2DFormat.NCHW, GradCam.layoutAt(channelsFirst, "add"));
    }

    private static void checkFoldedMap(ResNetSpec spec, CNN2DFormat layout, List<String> stageNames) {
        int size = spec.stem() == ResNetSpec.Stem.CIFAR ? SIZE : 32;
        ComputationGraph model = TinyClassifiers.build(spec, size, HEAD, CLASSES, List.of(), 9);
        ComputationGraph folded = InferenceGraph.fold(model);
        INDArray image = TinyClassifiers.images(1, size, 6);
        for (String stageName : stageNames) {
            String vertex = Stages.of(spec).get(stageName).endVertex();
            INDArray trainedA = model.feedForward(image, false).get(vertex).dup();
            INDArray foldedA = folded.feedForward(image, false).get(vertex).dup();
            GradCam trainedCam = GradCam.of(model, vertex, layout, size);
            GradCam foldedCam = GradCam.of(folded, vertex, layout, size);
            int mapsShown = 0;
            for (int c = 0; c < CLASSES; c++) {
                GradCam.Result expected = trainedCam.explain(trainedA, c);
                GradCam.Result actual = foldedCam.explain(foldedA, c);
                float largest = 0;
                for (float alpha : expected.weights()) {
                    largest = Math.max(largest, Math.abs(alpha));
                }
                for (int k = 0; k < expected.weights().length; k++) {
                    assertEquals(expected.weights()[k], actual.weights()[k], 1e-4 * largest,
                            stageName + " class " + c + " channel " + k);
                }
                if (Heatmap.max(expected.map()) > 0) { // a map can be all zero: every weighted sum negative
                    mapsShown++;
                    float[][] e = Heatmap.normalised(expected.map());
                    float[][] f = Heatmap.normalised(actual.map());
                    for (int i = 0; i < e.length; i++) {
                        for (int j = 0; j < e[i].length; j++) {
                            assertEquals(e[i][j], f[i][j], 1e-4, stageName + " class " + c + " at " + i + "," + j);
                        }
                    }
                }
            }
            assertTrue(mapsShown > 0, stageName + ": all-zero maps test nothing");
        }
    }

    /**
     * The logit as a function of the stage output, computed in double by DL4J's own split of the trained graph
     * (its BatchNorm and dropout in inference mode) and the output layer's weights.
     */
    private static final class Oracle {
        private static final double STEP = 1e-4;
        private final ComputationGraph tail;
        private final INDArray w;
        private final INDArray b;
        private final String features;
        private final int channelAxis;

        Oracle(ComputationGraph model, String vertex, int channelAxis) {
            this.channelAxis = channelAxis;
            ComputationGraph copy = model.convertDataType(DataType.DOUBLE);
            tail = new TransferLearningHelper(copy, vertex).unfrozenGraph().convertDataType(DataType.DOUBLE);
            String out = copy.getConfiguration().getNetworkOutputs().get(0);
            features = copy.getConfiguration().getVertexInputs().get(out).get(0);
            w = copy.getLayer(out).getParam("W");
            b = copy.getLayer(out).getParam("b");
        }

        double logit(INDArray a, int c) {
            INDArray h = tail.feedForward(new INDArray[] {a.castTo(DataType.DOUBLE)}, false).get(features);
            return h.castTo(DataType.DOUBLE).mmul(w.getColumn(c).reshape(-1, 1).castTo(DataType.DOUBLE)).getDouble(0)
                    + b.getDouble(c);
        }

        /** d logit_c / d s where the stage output's channel k is shifted by s everywhere. */
        double shiftDerivative(INDArray a, int c, int k) {
            return (logit(shifted(a, k, STEP), c) - logit(shifted(a, k, -STEP), c)) / (2 * STEP);
        }

        private INDArray shifted(INDArray a, int k, double by) {
            INDArray copy = a.castTo(DataType.DOUBLE).dup();
            org.nd4j.linalg.indexing.INDArrayIndex[] channel = {NDArrayIndex.all(), NDArrayIndex.all(),
                    NDArrayIndex.all(), NDArrayIndex.all()};
            channel[channelAxis] = NDArrayIndex.point(k);
            copy.get(channel).addi(by);
            return copy;
        }
    }
}
