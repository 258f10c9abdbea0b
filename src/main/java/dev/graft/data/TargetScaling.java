package dev.graft.data;

import java.util.List;

/**
 * A regression target's standardisation: the network learns {@code (y - mean) / std} with the training split's
 * mean and standard deviation, and its output is mapped back with {@link #restore}. Stored with the model (the
 * checkpoint's training state), so predictions come out in the target's own units.
 */
public record TargetScaling(double mean, double std) implements java.io.Serializable {
    /** No scaling (classification heads). */
    public static final TargetScaling IDENTITY = new TargetScaling(0, 1);

    public TargetScaling {
        if (!(std > 0) || !Double.isFinite(mean)) {
            throw new IllegalArgumentException("a target scaling needs a finite mean and std > 0 (was " + mean + ", "
                    + std + ")");
        }
    }

    /** The mean and (population) standard deviation of {@code values}; std 1 when they are all equal. */
    public static TargetScaling of(List<Float> values) {
        if (values.isEmpty()) {
            return IDENTITY;
        }
        double mean = values.stream().mapToDouble(Float::doubleValue).average().orElse(0);
        double var = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / values.size();
        double std = Math.sqrt(var);
        return new TargetScaling(mean, std > 1e-12 ? std : 1);
    }

    /** The value the network is trained to output for target {@code y}. */
    public double standardise(double y) {
        return (y - mean) / std;
    }

    /** The target a network output {@code z} stands for. */
    public double restore(double z) {
        return z * std + mean;
    }
}
