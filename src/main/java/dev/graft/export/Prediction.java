package dev.graft.export;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/** A classifier's answer for one image: a probability per class, best first on request. Immutable. */
public final class Prediction {
    private final List<String> labels;
    private final float[] probabilities;
    private final List<LabelScore> ranked;

    Prediction(List<String> labels, float[] probabilities) {
        if (labels.size() != probabilities.length) {
            throw new IllegalArgumentException(probabilities.length + " probabilities for " + labels.size()
                    + " labels");
        }
        this.labels = labels;
        this.probabilities = probabilities.clone();
        // Ties keep label order, so the ranking is deterministic.
        this.ranked = IntStream.range(0, probabilities.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -probabilities[i]).thenComparingInt(i -> i))
                .map(i -> new LabelScore(i, labels.get(i), probabilities[i])).toList();
    }

    /** The most probable class. */
    public String label() {
        return ranked.get(0).label();
    }

    /** Index of the most probable class. */
    public int index() {
        return ranked.get(0).index();
    }

    /** Probability of the most probable class. */
    public float probability() {
        return ranked.get(0).probability();
    }

    /** The {@code k} most probable classes, best first ({@code k} is capped at the number of classes). */
    public List<LabelScore> top(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1 (was " + k + ")");
        }
        return ranked.subList(0, Math.min(k, ranked.size()));
    }

    /** Every class's probability, in label order (a copy). */
    public float[] probabilities() {
        return probabilities.clone();
    }

    /** The class names, in output order. */
    public List<String> labels() {
        return labels;
    }

    @Override
    public String toString() {
        return top(Math.min(3, ranked.size())).toString() + " of " + Arrays.toString(probabilities);
    }
}
