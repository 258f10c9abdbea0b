package dev.graft.export;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.graft.GraftException;
import dev.graft.backbone.ResNetSpec;
import dev.graft.config.HeadConfig;
import onnx.Onnx;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exported ONNX model, run in ONNX Runtime (the real native runtime), gives DL4J's probabilities within
 * 1e-4 for ImageNet- and CIFAR-layout classifiers with and without hidden head layers, frozen stages included.
 */
class OnnxExportTest {
    static Stream<Arguments> models() {
        HeadConfig plain = TinyClassifiers.head(List.of(), HeadConfig.Activation.RELU, false);
        return Stream.of(
                Arguments.of("imagenet, linear head", TinyClassifiers.imagenet(), 64, plain,
                        List.of("stem", "stage1")),
                Arguments.of("imagenet, hidden gelu+bn", TinyClassifiers.imagenet(), 48,
                        TinyClassifiers.head(List.of(12, 8), HeadConfig.Activation.GELU, true), List.of()),
                Arguments.of("cifar, linear head", TinyClassifiers.cifar(), 16, plain, List.of("stem")),
                Arguments.of("cifar, hidden relu", TinyClassifiers.cifar(), 20,
                        TinyClassifiers.head(List.of(10), HeadConfig.Activation.RELU, false), List.of("stem", "stage1")),
                Arguments.of("cifar, hidden swish+bn", TinyClassifiers.cifar(), 16,
                        TinyClassifiers.head(List.of(6), HeadConfig.Activation.SWISH, true), List.of()),
                Arguments.of("cifar, hidden tanh, leakyrelu", TinyClassifiers.cifar(), 16,
                        TinyClassifiers.head(List.of(7, 5), HeadConfig.Activation.TANH, false), List.of()),
                Arguments.of("cifar, hidden leakyrelu+bn", TinyClassifiers.cifar(), 16,
                        TinyClassifiers.head(List.of(9), HeadConfig.Activation.LEAKYRELU, true), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void onnxRuntimeMatchesDl4j(String label, ResNetSpec spec, int size, HeadConfig head, List<String> frozen)
            throws OrtException {
        int classes = 5;
        ComputationGraph model = TinyClassifiers.build(spec, size, head, classes, frozen, 11);
        Onnx.ModelProto proto = OnnxExporter.convert(model, size, "test");
        INDArray x = TinyClassifiers.images(3, size, 5);
        float[][] expected = model.output(false, x)[0].toFloatMatrix();
        float[][][] actual = run(proto, x);
        float[][] probabilities = actual[0];
        float[][] logits = actual[1];
        double maxDiff = 0;
        for (int i = 0; i < expected.length; i++) {
            float[] softmax = softmax(logits[i]);
            for (int c = 0; c < classes; c++) {
                maxDiff = Math.max(maxDiff, Math.abs(expected[i][c] - probabilities[i][c]));
                assertEquals(probabilities[i][c], softmax[c], 1e-6, "probabilities = softmax(logits)");
            }
        }
        assertTrue(maxDiff <= 1e-4, label + ": max |p_onnx - p_dl4j| = " + maxDiff);
        // Not a degenerate check: the probabilities must differ between images and from uniform.
        double spread = 0;
        for (float[] row : expected) {
            for (float p : row) {
                spread = Math.max(spread, Math.abs(p - 1.0 / classes));
            }
        }
        assertTrue(spread > 0.02, label + ": outputs too close to uniform to prove anything (" + spread + ")");
    }

    @Test
    void modelDeclaresOpset13NamedInputsAndDynamicBatch() throws OrtException {
        int size = 32;
        ComputationGraph model = TinyClassifiers.build(TinyClassifiers.cifar(), size,
                TinyClassifiers.head(List.of(8), HeadConfig.Activation.RELU, false), 4, List.of("stem"), 3);
        Onnx.ModelProto proto = OnnxExporter.convert(model, size, "test");
        assertEquals(13, proto.getOpsetImport(0).getVersion());
        assertEquals(7, proto.getIrVersion());
        Set<String> ops = proto.getGraph().getNodeList().stream().map(Onnx.NodeProto::getOpType)
                .collect(Collectors.toSet());
        assertTrue(ops.containsAll(Set.of("Conv", "BatchNormalization", "Relu", "Add", "GlobalAveragePool",
                "Flatten", "Gemm", "Softmax", "MaxPool", "Pad")), ops.toString());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(proto.toByteArray(), new OrtSession.SessionOptions())) {
            assertEquals(Set.of(OnnxExporter.INPUT), session.getInputNames());
            assertEquals(Set.of(OnnxExporter.PROBABILITIES, OnnxExporter.LOGITS), session.getOutputNames());
            NodeInfo input = session.getInputInfo().get(OnnxExporter.INPUT);
            long[] shape = ((TensorInfo) input.getInfo()).getShape();
            assertEquals(-1, shape[0], "dynamic batch dimension");
            assertEquals(List.of(3L, 32L, 32L), List.of(shape[1], shape[2], shape[3]));
            for (String output : List.of(OnnxExporter.PROBABILITIES, OnnxExporter.LOGITS)) {
                long[] declared = ((TensorInfo) session.getOutputInfo().get(output).getInfo()).getShape();
                assertEquals(List.of(-1L, 4L), List.of(declared[0], declared[1]), output + ": [batch, classes]");
            }
        }
        assertGemmsAreCanonical(proto);
        for (int n : new int[] {1, 4}) {
            INDArray x = TinyClassifiers.images(n, size, n);
            float[][] p = run(proto, x)[0];
            assertEquals(n, p.length);
            float[][] expected = model.output(false, x)[0].toFloatMatrix();
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < 4; c++) {
                    assertEquals(expected[i][c], p[i][c], 1e-4);
                }
            }
        }
    }

    @Test
    void unsupportedLayerIsNamedInTheError() {
        var conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).graphBuilder()
                .addInputs("input").setInputTypes(InputType.convolutional(8, 8, 3))
                .addLayer("up", new Deconvolution2D.Builder(2, 2).stride(2, 2).nOut(4).build(), "input")
                .addLayer("pool", new GlobalPoolingLayer.Builder().build(), "up")
                .addLayer("head.out", new OutputLayer.Builder().nOut(2).activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("head.out").build();
        ComputationGraph model = new ComputationGraph(conf);
        model.init();
        GraftException e = assertThrows(GraftException.class, () -> OnnxExporter.convert(model, 8, "test"));
        assertTrue(e.getMessage().contains("'up'") && e.getMessage().contains("Deconvolution2D"), e.getMessage());
    }

    /** Every Gemm stores its weights {@code [out, in]} with {@code transB = 1}, as PyTorch exports a Linear layer. */
    private static void assertGemmsAreCanonical(Onnx.ModelProto proto) {
        Map<String, Onnx.TensorProto> initializers = proto.getGraph().getInitializerList().stream()
                .collect(Collectors.toMap(Onnx.TensorProto::getName, t -> t));
        List<Onnx.NodeProto> gemms = proto.getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("Gemm")).toList();
        assertEquals(2, gemms.size(), "a hidden layer and the output layer");
        for (Onnx.NodeProto gemm : gemms) {
            assertTrue(gemm.getAttributeList().stream().anyMatch(a -> a.getName().equals("transB") && a.getI() == 1),
                    gemm.getName() + " has transB = 1");
            Onnx.TensorProto w = initializers.get(gemm.getInput(1));
            Onnx.TensorProto b = initializers.get(gemm.getInput(2));
            assertEquals(b.getDims(0), w.getDims(0), gemm.getName() + ": weights [out, in], out = bias length");
        }
    }

    /** Runs the model in ONNX Runtime: {probabilities, logits}. */
    static float[][][] run(Onnx.ModelProto proto, INDArray x) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(proto.toByteArray(), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.dup('c').data().asFloat()),
                     x.shape());
             OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, input))) {
            float[][] p = (float[][]) result.get(OnnxExporter.PROBABILITIES).orElseThrow().getValue();
            float[][] z = (float[][]) result.get(OnnxExporter.LOGITS).orElseThrow().getValue();
            return new float[][][] {p, z};
        }
    }

    private static float[] softmax(float[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] e = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            e[i] = Math.exp(z[i] - max);
            sum += e[i];
        }
        float[] out = new float[z.length];
        for (int i = 0; i < z.length; i++) {
            out[i] = (float) (e[i] / sum);
        }
        return out;
    }
}
