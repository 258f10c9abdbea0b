package dev.graft.data;

import dev.graft.config.HeadConfig.Problem;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * The labels of a training or evaluation batch, built in this one place for every path that makes batches (the
 * image iterator, the feature cache's replay, Spark's executors): one-hot class rows for a single-label head; the
 * targets as the loss sees them (a regression target standardised) for the other heads, with a per-output labels
 * mask that is 0 where a label is unknown (NaN) so it adds nothing to the loss or its gradient.
 *
 * @param labels {@code [n, outputs]}
 * @param mask   {@code [n, outputs]}, or null when every label of the batch is known
 */
public record BatchTargets(INDArray labels, INDArray mask) {

    /** The batch of {@code entries} for a {@code problem} head with {@code outputs} outputs. */
    public static BatchTargets of(List<ImageEntry> entries, Problem problem, int outputs, TargetScaling scaling) {
        if (problem == Problem.SINGLE_LABEL) {
            return oneHot(entries.stream().mapToInt(ImageEntry::label).toArray(), outputs);
        }
        return targets(entries.stream().map(e -> lossTarget(e, scaling)).toList(), outputs);
    }

    /** One-hot rows of class indices. */
    public static BatchTargets oneHot(int[] classes, int numClasses) {
        float[] y = new float[classes.length * numClasses];
        for (int i = 0; i < classes.length; i++) {
            y[i * numClasses + classes[i]] = 1f;
        }
        return new BatchTargets(Nd4j.create(y, new long[] {classes.length, numClasses}, 'c'), null);
    }

    /** Rows of loss targets (NaN: unknown, masked out; written as 0). */
    public static BatchTargets targets(List<float[]> rows, int outputs) {
        int n = rows.size();
        float[] y = new float[n * outputs];
        float[] mask = new float[n * outputs];
        boolean masked = false;
        for (int i = 0; i < n; i++) {
            float[] target = rows.get(i);
            for (int j = 0; j < outputs; j++) {
                boolean known = !Float.isNaN(target[j]);
                y[i * outputs + j] = known ? target[j] : 0f;
                mask[i * outputs + j] = known ? 1f : 0f;
                masked |= !known;
            }
        }
        return new BatchTargets(Nd4j.create(y, new long[] {n, outputs}, 'c'),
                masked ? Nd4j.create(mask, new long[] {n, outputs}, 'c') : null);
    }

    /**
     * A multi-label or regression entry's target as the loss sees it: a regression value standardised with
     * {@code scaling}, multi-label 1/0/NaN as read; null for a single-label entry.
     */
    public static float[] lossTarget(ImageEntry entry, TargetScaling scaling) {
        float[] raw = entry.target();
        if (raw == null) {
            return null;
        }
        float[] out = new float[raw.length];
        for (int j = 0; j < raw.length; j++) {
            out[j] = Float.isNaN(raw[j]) ? Float.NaN : (float) scaling.standardise(raw[j]);
        }
        return out;
    }
}
