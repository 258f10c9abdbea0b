package dev.graft.config;

import java.util.List;
import java.util.Locale;

/**
 * {@code head:} the new classifier put on the backbone: global average pooling, then optional hidden
 * dense layers, then a softmax output sized to the dataset's classes.
 */
public record HeadConfig(
        @Doc("Sizes of hidden dense layers between pooling and the output")
        List<Integer> hidden,
        @Doc("Activation of the hidden layers")
        Activation activation,
        @Doc("Dropout before each dense layer of the head")
        double dropout,
        @Doc("Batch normalisation after each hidden layer")
        boolean batchNorm)
        implements ConfigSection {

    public enum Activation {
        RELU, GELU, SWISH, TANH, LEAKYRELU;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static HeadConfig defaults() {
        return new HeadConfig(List.of(), Activation.RELU, 0.0, false);
    }

    @Override
    public void validate(String path, ConfigErrors errors) {
        for (int i = 0; i < hidden.size(); i++) {
            errors.check(hidden.get(i) > 0, path + ".hidden[" + i + "]", "must be > 0 (was " + hidden.get(i) + ")");
        }
        errors.inRange(path + ".dropout", dropout, 0, 1);
    }
}
