package dev.graft.export;

import dev.graft.config.HeadConfig;
import dev.graft.metrics.DecisionRule;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * A model's answer for one image. Single-label: a probability per class (calibrated when the bundle has a
 * temperature), best first on request, and for a bundle with a decision threshold the {@link Decision}. Multi-label:
 * every label's probability and the set of labels whose probability is at least its threshold ({@link #present()}).
 * Regression: the value, in the target's units ({@link #value()}). Immutable.
 */
public final class Prediction {
    private final HeadConfig.Problem problem;
    private final List<String> labels;
    private final float[] probabilities;
    private final List<LabelScore> ranked;
    private final Decision decision;
    private final List<LabelScore> present;

    /**
     * @param outputs the model's outputs in label order (a regression model's one value)
     * @param rule    the bundle's decision rule (binary threshold, or per-label thresholds), or null when it has none
     */
    Prediction(HeadConfig.Problem problem, List<String> labels, float[] outputs, DecisionRule rule) {
        if (labels.size() != outputs.length) {
            throw new IllegalArgumentException(outputs.length + " outputs for " + labels.size() + " labels");
        }
        this.problem = problem;
        this.labels = labels;
        this.probabilities = outputs.clone();
        // Ties keep label order, so the ranking is deterministic.
        this.ranked = IntStream.range(0, outputs.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -outputs[i]).thenComparingInt(i -> i))
                .map(i -> new LabelScore(i, labels.get(i), outputs[i])).toList();
        this.decision = problem == HeadConfig.Problem.SINGLE_LABEL && rule != null
                ? Decision.of(rule, labels, this.probabilities) : null;
        this.present = problem == HeadConfig.Problem.MULTI_LABEL ? present(labels, this.probabilities, rule) : null;
    }

    /** The labels at or above their threshold, in label order. */
    private static List<LabelScore> present(List<String> labels, float[] p, DecisionRule rule) {
        double[] thresholds = rule.thresholdsFor(labels);
        List<LabelScore> out = new ArrayList<>();
        for (int j = 0; j < p.length; j++) {
            if (p[j] >= thresholds[j]) {
                out.add(new LabelScore(j, labels.get(j), p[j]));
            }
        }
        return List.copyOf(out);
    }

    /** Which head answered: single-label, multi-label or regression. */
    public HeadConfig.Problem problem() {
        return problem;
    }

    /** The most probable class (multi-label: the most probable label). */
    public String label() {
        return classes().get(0).label();
    }

    /** Index of the most probable class. */
    public int index() {
        return classes().get(0).index();
    }

    /** Probability of the most probable class. */
    public float probability() {
        return classes().get(0).probability();
    }

    /** The {@code k} most probable classes, best first ({@code k} is capped at the number of classes). */
    public List<LabelScore> top(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1 (was " + k + ")");
        }
        return classes().subList(0, Math.min(k, ranked.size()));
    }

    /** Every class's (label's) probability, in label order (a copy); a regression model's value. */
    public float[] probabilities() {
        return probabilities.clone();
    }

    /**
     * Multi-label: the labels whose probability is at least their threshold (tuned on validation, in
     * {@code bundle.json}), in label order; empty when none is.
     *
     * @throws IllegalStateException for a single-label or regression prediction
     */
    public List<LabelScore> present() {
        if (present == null) {
            throw new IllegalStateException("a " + problem + " prediction has no label set; present() is for a "
                    + "multi_label model");
        }
        return present;
    }

    /**
     * Regression: the predicted value in the target's own units.
     *
     * @throws IllegalStateException for a classifier's prediction
     */
    public float value() {
        if (problem != HeadConfig.Problem.REGRESSION) {
            throw new IllegalStateException("a " + problem + " prediction has probabilities, not a value");
        }
        return probabilities[0];
    }

    /**
     * For a bundle with a decision threshold (binary tasks), the class it decides; the most probable class
     * ({@link #label()}) is the argmax and ignores the threshold.
     */
    public Optional<Decision> decision() {
        return Optional.ofNullable(decision);
    }

    /** The class or label names, in output order (a regression model's target name). */
    public List<String> labels() {
        return labels;
    }

    private List<LabelScore> classes() {
        if (problem == HeadConfig.Problem.REGRESSION) {
            throw new IllegalStateException("a regression prediction has a value, not classes; use value()");
        }
        return ranked;
    }

    @Override
    public String toString() {
        return switch (problem) {
            case REGRESSION -> labels.get(0) + " = " + probabilities[0];
            case MULTI_LABEL -> present + " of " + Arrays.toString(probabilities);
            case SINGLE_LABEL -> top(Math.min(3, ranked.size())).toString() + " of " + Arrays.toString(probabilities)
                    + (decision == null ? "" : ", " + decision);
        };
    }
}
