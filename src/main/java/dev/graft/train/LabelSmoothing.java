package dev.graft.train;

import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;

/**
 * {@code train.label_smoothing}: mixes each one-hot label row with the uniform distribution,
 * {@code y (1 - eps) + eps / k}; used by the trainer and by distributed workers alike.
 */
public final class LabelSmoothing implements DataSetPreProcessor {
    private static final long serialVersionUID = 1L;

    private final double eps;

    public LabelSmoothing(double eps) {
        this.eps = eps;
    }

    @Override
    public void preProcess(DataSet ds) {
        if (eps > 0) {
            long k = ds.getLabels().size(1);
            ds.getLabels().muli(1 - eps).addi(eps / k);
        }
    }
}
