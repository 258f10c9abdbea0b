package dev.graft.export;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A DL4J classifier converted to ONNX and run by ONNX Runtime, as the bundle's {@code onnx} engine runs it
 * (the same exporter, session options and input copy), for {@code graft bench --engine onnx}.
 */
public final class OnnxForward implements AutoCloseable {
    private final OnnxEngine engine;

    private OnnxForward(OnnxEngine engine) {
        this.engine = engine;
    }

    /** Exports {@code model} (a graph ending in a softmax output layer) for {@code size}-pixel images. */
    public static OnnxForward of(ComputationGraph model, int size) {
        byte[] onnx = OnnxExporter.convert(model, size, "bench").toByteArray();
        return new OnnxForward(new OnnxEngine(onnx, size));
    }

    /** Class probabilities of a batch of normalised NCHW images. */
    public float[][] run(INDArray images) {
        return engine.probabilities(images.castTo(DataType.FLOAT).dup('c').data().asFloat(), (int) images.size(0));
    }

    @Override
    public void close() {
        engine.close();
    }
}
