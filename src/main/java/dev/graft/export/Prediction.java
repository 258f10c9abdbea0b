package dev.graft.export;

import dev.graft.metrics.DecisionRule;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * A classifier's answer for one image: a probability per class (calibrated when the bundle has a temperature),
 * best first on request, and for a bundle with a decision threshold the {@link Decision}. Immutable.
 */
public final class Prediction {
    private final List<String> labels;
    private final float[] probabilities;
    private final List<LabelScore> ranked;
    private final Decision decision;

    /** @param rule the bundle's binary decision rule, or null when it has none */
    Prediction(List<String> labels, float[] probabilities, DecisionRule rule) {
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
        this.decision = rule == null ? null : Decision.of(rule, labels, this.probabilities);
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

    /**
     * For a bundle with a decision threshold (binary tasks), the class it decides; the most probable class
     * ({@link #label()}) is the argmax and ignores the threshold.
     */
    public Optional<Decision> decision() {
        return Optional.ofNullable(decision);
    }

    /** The class names, in output order. */
    public List<String> labels() {
        return labels;
    }

    @Override
    public String toString() {
        return top(Math.min(3, ranked.size())).toString() + " of " + Arrays.toString(probabilities)
                + (decision == null ? "" : ", " + decision);
    }
}
