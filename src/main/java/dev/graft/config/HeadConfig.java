package dev.graft.config;

import java.util.List;
import java.util.Locale;

/**
 * {@code head:} the new head put on the backbone: global average pooling, then optional hidden dense layers, then
 * the output {@link Problem} asks for: a softmax over the classes (single_label), one sigmoid per label with binary
 * cross-entropy, optionally weighting positives ({@link PosWeight}) (multi_label), or one linear output with
 * mean squared error, L1 or Huber loss on the standardised target (regression).
 */
public record HeadConfig(
        @Doc("single_label (softmax), multi_label (sigmoid per label, BCE) or regression (linear, MSE / L1 / Huber)")
        Problem problem,
        @Doc("Sizes of hidden dense layers between pooling and the output")
        List<Integer> hidden,
        @Doc("Activation of the hidden layers")
        Activation activation,
        @Doc("Dropout before each dense layer of the head")
        double dropout,
        @Doc("Batch normalisation after each hidden layer")
        boolean batchNorm,
        @Doc("multi_label: weight of a label's positive cells in the BCE: none, auto (negatives/positives per "
                + "label on the training split, capped at 100), a list (one per label) or {label: number}")
        PosWeight posWeight,
        @Doc("regression: the loss on the standardised target (unset: mse)")
        RegressionLoss loss,
        @Doc("regression with loss huber: where the loss turns from squared to linear, in standard deviations of "
                + "the training target")
        double huberDelta)
        implements ConfigSection {

    public HeadConfig {
        posWeight = posWeight == null ? PosWeight.none() : posWeight; // an empty YAML value means none
    }

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

    /** A regression head's loss on the standardised target. */
    public enum RegressionLoss {
        /** Mean squared error (Hugging Face's regression loss). */
        MSE,
        /** Absolute error: the median, robust to outlying targets. */
        L1,
        /** Squared near the target, absolute beyond {@code huber_delta}. */
        HUBER;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A single-label head. */
    public HeadConfig(List<Integer> hidden, Activation activation, double dropout, boolean batchNorm) {
        this(Problem.SINGLE_LABEL, hidden, activation, dropout, batchNorm);
    }

    /** A head of {@code problem} with its default loss. */
    public HeadConfig(Problem problem, List<Integer> hidden, Activation activation, double dropout,
                      boolean batchNorm) {
        this(problem, hidden, activation, dropout, batchNorm, PosWeight.none(), null, 1.0);
    }

    public static HeadConfig defaults() {
        return new HeadConfig(Problem.SINGLE_LABEL, List.of(), Activation.RELU, 0.0, false);
    }

    /** The regression loss in force: {@code loss}, or mse when unset. */
    public RegressionLoss regressionLoss() {
        return loss == null ? RegressionLoss.MSE : loss;
    }

    @Override
    public void validate(String path, ConfigErrors errors) {
        for (int i = 0; i < hidden.size(); i++) {
            errors.check(hidden.get(i) > 0, path + ".hidden[" + i + "]", "must be > 0 (was " + hidden.get(i) + ")");
        }
        errors.inRange(path + ".dropout", dropout, 0, 1);
        errors.check(posWeight.mode() == PosWeight.Mode.NONE || problem == Problem.MULTI_LABEL,
                path + ".pos_weight", "weighs the positive cells of a multi_label head's labels; it has no meaning "
                        + "with head.problem: " + problem + " (remove it"
                        + (problem == Problem.SINGLE_LABEL ? ", or use data.class_weights)" : ")"));
        errors.check(loss == null || problem == Problem.REGRESSION, path + ".loss", "chooses a regression head's "
                + "loss (mse, l1, huber); a " + problem + " head trains with "
                + (problem == Problem.MULTI_LABEL ? "binary cross-entropy (see head.pos_weight)"
                : "cross-entropy or train.loss: {focal: {gamma: 2}}"));
        errors.positive(path + ".huber_delta", huberDelta);
        errors.check(huberDelta == 1.0 || (problem == Problem.REGRESSION
                        && regressionLoss() == RegressionLoss.HUBER), path + ".huber_delta",
                "only applies to a regression head with head.loss: huber");
    }
}
