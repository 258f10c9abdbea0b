package dev.graft.backbone;

import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * DL4J's {@link SubsetVertex} (channels {@code from..to} inclusive of NCHW activations) with a correct
 * configuration-time output type. DL4J 1.0.0-M2.1 computes the channel count of a convolutional subset as
 * {@code from - to + 1} (negative), which breaks shape inference of everything after it; the forward and
 * backward passes are DL4J's own and correct. The CIFAR models' option-A shortcut used it before {@link
 * dev.graft.backbone.layers.ChannelZeroPad}; kept so that models saved by those versions still load.
 */
public class ChannelSubsetVertex extends SubsetVertex {
    private static final long serialVersionUID = 1L;

    /** Channels {@code from} to {@code to}, both inclusive. */
    public ChannelSubsetVertex(@JsonProperty("from") int from, @JsonProperty("to") int to) {
        super(from, to);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length == 1 && vertexInputs[0] instanceof InputType.InputTypeConvolutional cnn) {
            if (getTo() >= cnn.getChannels()) {
                throw new InvalidInputTypeException("channels " + getFrom() + ".." + getTo() + " of an input with "
                        + cnn.getChannels() + " channels");
            }
            return InputType.convolutional(cnn.getHeight(), cnn.getWidth(), getTo() - getFrom() + 1L,
                    cnn.getFormat());
        }
        return super.getOutputType(layerIndex, vertexInputs);
    }

    @Override
    public ChannelSubsetVertex clone() {
        return new ChannelSubsetVertex(getFrom(), getTo());
    }
}
