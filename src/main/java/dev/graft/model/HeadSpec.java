package dev.graft.model;

import dev.graft.config.HeadConfig;

/**
 * The new classification head: {@link HeadConfig} plus what the dataset decides.
 *
 * @param classWeights per-class loss weights, or null for an unweighted loss
 */
public record HeadSpec(HeadConfig config, int numClasses, float[] classWeights) {
    public HeadSpec {
        if (numClasses < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes (got " + numClasses + ")");
        }
        if (classWeights != null && classWeights.length != numClasses) {
            throw new IllegalArgumentException(classWeights.length + " class weights for " + numClasses + " classes");
        }
    }
}
