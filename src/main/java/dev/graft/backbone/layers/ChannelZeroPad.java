package dev.graft.backbone.layers;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Objects;

/**
 * The CIFAR ResNets' option-A shortcut channel padding as one parameter-free vertex: {@code before} zero channels,
 * the input's channels, {@code after} zero channels, along the channel axis of NCHW or NHWC activations
 * (DL4J's subset and merge vertices slice dimension 1 only, which kept these models channels-first).
 */
public class ChannelZeroPad extends GraphVertex {
    private static final long serialVersionUID = 1L;

    private final int before;
    private final int after;
    private final CNN2DFormat format;

    public ChannelZeroPad(@JsonProperty("before") int before, @JsonProperty("after") int after,
                          @JsonProperty("format") CNN2DFormat format) {
        this.before = before;
        this.after = after;
        this.format = format;
    }

    public int getBefore() {
        return before;
    }

    public int getAfter() {
        return after;
    }

    public CNN2DFormat getFormat() {
        return format;
    }

    /** The channel dimension of a 4-D activation in this vertex's layout. */
    int channelAxis() {
        return format == CNN2DFormat.NHWC ? 3 : 1;
    }

    @Override
    public ChannelZeroPad clone() {
        return new ChannelZeroPad(before, after, format);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelZeroPad p && p.before == before && p.after == after && p.format == format;
    }

    @Override
    public int hashCode() {
        return Objects.hash(before, after, format);
    }

    @Override
    public long numParams(boolean backprop) {
        return 0;
    }

    @Override
    public int minVertexInputs() {
        return 1;
    }

    @Override
    public int maxVertexInputs() {
        return 1;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                      INDArray paramsView, boolean initializeParams,
                                                                      DataType networkDatatype) {
        return new ChannelZeroPadVertex(graph, name, idx, networkDatatype, this);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... inputs) throws InvalidInputTypeException {
        if (inputs.length != 1 || !(inputs[0] instanceof InputType.InputTypeConvolutional cnn)) {
            throw new InvalidInputTypeException("ChannelZeroPad takes one convolutional input");
        }
        return InputType.convolutional(cnn.getHeight(), cnn.getWidth(), cnn.getChannels() + before + after, format);
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputs) {
        InputType out = getOutputType(-1, inputs);
        return new LayerMemoryReport.Builder(null, ChannelZeroPad.class, inputs[0], out).standardMemory(0, 0)
                .workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    @Override
    public String toString() {
        return "ChannelZeroPad(before=" + before + ", after=" + after + ", " + format + ")";
    }
}
