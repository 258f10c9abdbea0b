package dev.graft.export;

import dev.graft.metrics.DecisionRule;

import java.util.List;

/**
 * A binary bundle's call for one image: its positive class's calibrated probability compared with the
 * threshold chosen on validation ({@code bundle.json}'s {@code decision}). This can differ from the most probable
 * class: a threshold of 0.2 calls an image with probability 0.3 positive.
 *
 * @param label               the decided class: the positive class when {@code positive}, else the other one
 * @param positive            whether {@code positiveProbability >= threshold}
 * @param positiveClass       the class the threshold is about
 * @param positiveProbability the positive class's calibrated probability
 * @param threshold           the decision threshold
 */
public record Decision(String label, boolean positive, String positiveClass, float positiveProbability,
                       double threshold) {

    /** {@code rule} applied to one image's calibrated {@code probabilities} (in label order). */
    static Decision of(DecisionRule rule, List<String> labels, float[] probabilities) {
        double[] p = new double[probabilities.length];
        for (int c = 0; c < p.length; c++) {
            p[c] = probabilities[c];
        }
        return new Decision(labels.get(rule.decidedIndex(p, labels)), rule.positive(p), rule.positiveClass(),
                probabilities[rule.positiveIndex()], rule.threshold());
    }
}
