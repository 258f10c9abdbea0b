package dev.graft.model;

import dev.graft.config.HeadConfig;

/**
 * The new head: {@link HeadConfig} plus what the dataset decides.
 *
 * @param numClasses   the outputs: classes (single-label), labels (multi-label) or 1 (regression)
 * @param classWeights per-class loss weights, or null for an unweighted loss
 */
public record HeadSpec(HeadConfig config, int numClasses, float[] classWeights) {
    public HeadSpec {
        switch (config.problem()) {
            case SINGLE_LABEL -> {
                if (numClasses < 2) {
                    throw new IllegalArgumentException("a classifier needs at least 2 classes (got " + numClasses
                            + ")");
                }
            }
            case MULTI_LABEL -> {
                if (numClasses < 1) {
                    throw new IllegalArgumentException("a multi-label head needs at least 1 label");
                }
            }
            case REGRESSION -> {
                if (numClasses != 1) {
                    throw new IllegalArgumentException("a regression head has 1 output (got " + numClasses + ")");
                }
            }
        }
        if (classWeights != null && classWeights.length != numClasses) {
            throw new IllegalArgumentException(classWeights.length + " class weights for " + numClasses + " classes");
        }
    }
}
