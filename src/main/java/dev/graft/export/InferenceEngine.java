package dev.graft.export;

/** Runs a bundle's model on a batch of preprocessed images. Implementations are thread-safe. */
interface InferenceEngine extends AutoCloseable {
    /**
     * The model's outputs {@code [n][outputs]}: softmax or sigmoid probabilities, or a regression head's value, for {@code n} images given as one array of {@code n} planar
     * {@code 3 x size x size} normalised images.
     */
    float[][] probabilities(float[] batch, int n);

    /** Releases native resources. */
    @Override
    void close();
}
