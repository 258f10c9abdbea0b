package dev.graft.config;

import java.util.List;
import java.util.Locale;

/**
 * {@code head:} the new head put on the backbone: global average pooling, then optional hidden dense layers, then
 * the output {@link Problem} asks for: a softmax over the classes (single_label), one sigmoid per label with binary
 * cross-entropy (multi_label), or one linear output with mean squared error on the standardised target
 * (regression).
 */
public record HeadConfig(
        @Doc("single_label (softmax), multi_label (sigmoid per label, BCE) or regression (linear, MSE)")
        Problem problem,
        @Doc("Sizes of hidden dense layers between pooling and the output")
        List<Integer> hidden,
        @Doc("Activation of the hidden layers")
        Activation activation,
        @Doc("Dropout before each dense layer of the head")
        double dropout,
        @Doc("Batch normalisation after each hidden layer")
        boolean batchNorm)
        implements ConfigSection {

    /** What the head predicts (Hugging Face's {@code problem_type}). */
    public enum Problem {
        /** One class per image: softmax + cross-entropy. */
        SINGLE_LABEL,
        /** Any set of labels per image: a sigmoid per label + binary cross-entropy. */
        MULTI_LABEL,
        /** One number per image: a linear output + mean squared error on the standardised target. */
        REGRESSION;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The problem named {@code text} (as written in a config), or single_label for anything else. */
        public static Problem parseOrDefault(String text) {
            for (Problem p : values()) {
                if (p.toString().equals(text)) {
                    return p;
                }
            }
            return SINGLE_LABEL;
        }
    }

    public enum Activation {
        RELU, GELU, SWISH, TANH, LEAKYRELU;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A single-label head. */
    public HeadConfig(List<Integer> hidden, Activation activation, double dropout, boolean batchNorm) {
        this(Problem.SINGLE_LABEL, hidden, activation, dropout, batchNorm);
    }

    public static HeadConfig defaults() {
        return new HeadConfig(Problem.SINGLE_LABEL, List.of(), Activation.RELU, 0.0, false);
    }

    @Override
    public void validate(String path, ConfigErrors errors) {
        for (int i = 0; i < hidden.size(); i++) {
            errors.check(hidden.get(i) > 0, path + ".hidden[" + i + "]", "must be > 0 (was " + hidden.get(i) + ")");
        }
        errors.inRange(path + ".dropout", dropout, 0, 1);
    }
}
