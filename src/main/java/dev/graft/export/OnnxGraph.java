package dev.graft.export;

import onnx.Onnx;
import org.nd4j.shade.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A small builder over the ONNX protobuf schema ({@code onnx.Onnx}, generated from {@code onnx.proto} and shipped
 * in nd4j-api with DL4J's own shaded protobuf runtime): nodes with their attributes, float and int64 initializers,
 * and the model around them. Tensor names are checked to be unique. Not thread-safe; one per export.
 */
final class OnnxGraph {
    /** The operator set the exported models declare: every op used has this version or an older one. */
    static final int OPSET = 13;
    /** ONNX IR version 7 (ONNX 1.8), the one that introduced opset 13. */
    static final long IR_VERSION = 7;

    private final Onnx.GraphProto.Builder graph = Onnx.GraphProto.newBuilder();
    private final Set<String> names = new HashSet<>();

    OnnxGraph(String name) {
        graph.setName(name);
    }

    /** Adds a node; returns its (single) output name. */
    String node(String opType, String output, String[] inputs, Onnx.AttributeProto... attributes) {
        claim(output);
        Onnx.NodeProto.Builder node = Onnx.NodeProto.newBuilder().setOpType(opType).setName(output).addOutput(output);
        for (String input : inputs) {
            node.addInput(input);
        }
        for (Onnx.AttributeProto a : attributes) {
            node.addAttribute(a);
        }
        graph.addNode(node);
        return output;
    }

    /** A float tensor initializer (weights), values in C order. */
    String floats(String name, float[] values, long... dims) {
        claim(name);
        ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        graph.addInitializer(tensor(name, Onnx.TensorProto.DataType.FLOAT, dims).setRawData(ByteString.copyFrom(raw)));
        return name;
    }

    /** An int64 tensor initializer (shapes, slice bounds). */
    String longs(String name, long... values) {
        claim(name);
        ByteBuffer raw = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        graph.addInitializer(tensor(name, Onnx.TensorProto.DataType.INT64, values.length)
                .setRawData(ByteString.copyFrom(raw)));
        return name;
    }

    private static Onnx.TensorProto.Builder tensor(String name, Onnx.TensorProto.DataType type, long... dims) {
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
        for (long d : dims) {
            t.addDims(d);
        }
        return t;
    }

    /** Declares a float graph input; a null dimension is symbolic ({@code batch}). */
    void input(String name, Long... dims) {
        claim(name);
        graph.addInput(valueInfo(name, dims));
    }

    /** Declares a float graph output of an existing tensor. */
    void output(String name, Long... dims) {
        if (!names.contains(name)) {
            throw new IllegalStateException("no tensor named " + name);
        }
        graph.addOutput(valueInfo(name, dims));
    }

    private static Onnx.ValueInfoProto valueInfo(String name, Long... dims) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        for (Long d : dims) {
            shape.addDim(d == null ? Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
                    : Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        Onnx.TypeProto.Tensor.Builder tensor = Onnx.TypeProto.Tensor.newBuilder()
                .setElemType(Onnx.TensorProto.DataType.FLOAT.getNumber()).setShape(shape);
        return Onnx.ValueInfoProto.newBuilder().setName(name)
                .setType(Onnx.TypeProto.newBuilder().setTensorType(tensor)).build();
    }

    /** Whether a tensor of this name exists. */
    boolean has(String name) {
        return names.contains(name);
    }

    /** A name not used yet, derived from {@code base}. */
    String fresh(String base) {
        String name = base;
        for (int i = 1; names.contains(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }

    private void claim(String name) {
        if (!names.add(name)) {
            throw new IllegalStateException("tensor name used twice: " + name);
        }
    }

    /** The finished model: IR version 7, default-domain opset {@link #OPSET}, {@code metadata} as metadata_props. */
    Onnx.ModelProto model(String producerVersion, String docString, Map<String, String> metadata) {
        Onnx.ModelProto.Builder model = Onnx.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("graft")
                .setProducerVersion(producerVersion)
                .setDocString(docString)
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph);
        metadata.forEach((key, value) -> model.addMetadataProps(Onnx.StringStringEntryProto.newBuilder()
                .setKey(key).setValue(value)));
        return model.build();
    }

    static Onnx.AttributeProto ints(String name, long... values) {
        Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name)
                .setType(Onnx.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static Onnx.AttributeProto ints(String name, int[] values) {
        long[] longs = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            longs[i] = values[i];
        }
        return ints(name, longs);
    }

    static Onnx.AttributeProto integer(String name, long value) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT)
                .setI(value).build();
    }

    static Onnx.AttributeProto real(String name, float value) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.FLOAT)
                .setF(value).build();
    }

    static Onnx.AttributeProto text(String name, String value) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }
}
