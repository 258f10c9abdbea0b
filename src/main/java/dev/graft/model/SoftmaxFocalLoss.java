package dev.graft.model;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Arrays;
import java.util.Objects;

/**
 * Softmax focal loss (Lin et al. 2017, "Focal Loss for Dense Object Detection") of a single-label head
 * ({@code train.loss: {focal: {gamma: 2}}}): per image {@code -sum_j w_j y_j (1 - p_j)^gamma log p_j},
 * {@code p = softmax(z)}, where {@code w} are the class weights ({@code data.class_weights}, the paper's alpha;
 * 1 when unset) and {@code y} the target row, one-hot or soft (mixup, cutmix, label smoothing). Gamma 0 is the
 * (weighted) cross-entropy; a larger gamma lowers the loss of well-classified images, so rare and hard classes
 * weigh more.
 *
 * <p>Computed from the logits with a log-softmax (no clipping); the gradient through the softmax is
 * {@code h_k - p_k sum_j h_j} with {@code h_j = w_j y_j (gamma p_j (1 - p_j)^(gamma - 1) log p_j - (1 - p_j)^gamma)}.
 * Serialised with the model's configuration, so a checkpoint keeps the gamma and weights it trained with.
 */
public final class SoftmaxFocalLoss extends ElementwiseLoss {
    private static final long serialVersionUID = 1L;
    /** Floor of 1 - p where it is raised to a negative power (gamma < 1): its product with log p tends to 0. */
    private static final double TINY = 1e-30;

    @JsonProperty("gamma")
    private final double gamma;
    @JsonProperty("weights")
    private final double[] weights;

    /**
     * @param gamma   the focusing exponent, >= 0
     * @param weights one weight per class, each > 0, or null for none
     */
    @JsonCreator
    public SoftmaxFocalLoss(@JsonProperty("gamma") double gamma, @JsonProperty("weights") double[] weights) {
        if (!(gamma >= 0) || !Double.isFinite(gamma)) {
            throw new IllegalArgumentException("focal loss gamma must be finite and >= 0 (was " + gamma + ")");
        }
        if (weights != null && Arrays.stream(weights).anyMatch(w -> !(w > 0) || !Double.isFinite(w))) {
            throw new IllegalArgumentException("class weights must be finite and > 0: " + Arrays.toString(weights));
        }
        this.gamma = gamma;
        this.weights = weights == null ? null : weights.clone();
    }

    /** The focusing exponent. */
    public double gamma() {
        return gamma;
    }

    @Override
    protected INDArray elementScores(INDArray labels, INDArray logits, IActivation activation) {
        requireSoftmax(activation, logits);
        INDArray logP = logSoftmax(logits);
        INDArray p = Transforms.exp(logP, true);
        // -w y (1 - p)^gamma log p
        return weighted(labels).muli(focus(p, gamma)).muli(logP).negi();
    }

    @Override
    protected INDArray elementGradients(INDArray labels, INDArray logits, IActivation activation) {
        requireSoftmax(activation, logits);
        INDArray logP = logSoftmax(logits);
        INDArray p = Transforms.exp(logP, true);
        INDArray h = focus(p, gamma).negi();
        if (gamma > 0) {
            INDArray q = Transforms.max(p.rsub(1.0), TINY, false);
            h.addi(Transforms.pow(q, gamma - 1, false).muli(p).muli(logP).muli(gamma));
        }
        h.muli(weighted(labels));
        return h.sub(p.mulColumnVector(h.sum(true, 1)));
    }

    /** (1 - p)^gamma, exactly 1 for gamma 0. */
    private static INDArray focus(INDArray p, double gamma) {
        if (gamma == 0) {
            return Nd4j.onesLike(p);
        }
        return Transforms.pow(Transforms.max(p.rsub(1.0), 0.0, false), gamma, false);
    }

    /** log softmax along the classes, shifted by the row maximum so no exponential overflows. */
    private static INDArray logSoftmax(INDArray z) {
        INDArray shifted = z.subColumnVector(z.max(true, 1));
        INDArray logSum = Transforms.log(Transforms.exp(shifted, true).sum(true, 1), false);
        return shifted.subiColumnVector(logSum);
    }

    private INDArray weighted(INDArray labels) {
        if (weights == null) {
            return labels.dup();
        }
        if (labels.size(1) != weights.length) {
            throw new IllegalArgumentException(weights.length + " class weights for " + labels.size(1) + " classes");
        }
        return labels.mulRowVector(Nd4j.create(weights).castTo(labels.dataType()).reshape(1, weights.length));
    }

    private static void requireSoftmax(IActivation activation, INDArray logits) {
        if (!(activation instanceof ActivationSoftmax) || logits.rank() != 2) {
            throw new IllegalStateException("the softmax focal loss takes the logits of a softmax output layer (was "
                    + activation + ", rank " + logits.rank() + ")");
        }
    }

    @Override
    public String name() {
        return "SoftmaxFocalLoss(gamma=" + gamma + (weights == null ? "" : ", weights=" + Arrays.toString(weights))
                + ")";
    }

    @Override
    public String toString() {
        return name();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SoftmaxFocalLoss other && gamma == other.gamma && Arrays.equals(weights, other.weights);
    }

    @Override
    public int hashCode() {
        return Objects.hash(gamma, Arrays.hashCode(weights));
    }
}
