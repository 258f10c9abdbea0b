package dev.graft.export;

import dev.graft.config.HeadConfig;
import onnx.Onnx;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_dnn;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_dnn.Net;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exported ONNX model runs in a second runtime Graft does not use for inference: OpenCV's DNN module (on the
 * class path through JavaCV), which refused the earlier non-canonical Gemm layout. Its probabilities equal DL4J's.
 */
class OpenCvDnnExportTest {
    @Test
    void opencvDnnLoadsTheExportAndAgreesWithDl4j() {
        int size = 32;
        int classes = 4;
        ComputationGraph model = TinyClassifiers.build(TinyClassifiers.cifar(), size,
                TinyClassifiers.head(List.of(8), HeadConfig.Activation.RELU, false), classes, List.of("stem"), 3);
        Onnx.ModelProto proto = OnnxExporter.convert(model, size, "test");
        int n = 3;
        INDArray x = TinyClassifiers.images(n, size, 9);
        float[][] expected = model.output(false, x)[0].toFloatMatrix();

        Net net = opencv_dnn.readNetFromONNX(proto.toByteArray());
        Mat blob = new Mat(new int[] {n, 3, size, size}, opencv_core.CV_32F);
        new FloatPointer(blob.data()).put(x.dup('c').data().asFloat());
        net.setInput(blob);
        Mat out = net.forward(OnnxExporter.PROBABILITIES);
        assertEquals(n, out.size(0));
        assertEquals(classes, out.size(1));
        float[] flat = new float[n * classes];
        new FloatPointer(out.data()).get(flat);
        double spread = 0;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < classes; c++) {
                assertEquals(expected[i][c], flat[i * classes + c], 1e-4, "image " + i + ", class " + c);
                spread = Math.max(spread, Math.abs(expected[i][c] - 1.0 / classes));
            }
        }
        assertTrue(spread > 0.02, "outputs too close to uniform to prove anything (" + spread + ")");
    }
}
