package dev.graft.backbone;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * One of the top-k classes of an image.
 *
 * @param rank        1 for the most likely class
 * @param index       the classifier output index
 * @param label       the class name
 * @param probability softmax probability over all outputs
 * @param logit       the raw classifier output
 */
public record Prediction(int rank, int index, String label, double probability, float logit) {

    /** The {@code k} most likely classes of one row of logits, most likely first (ties: lower index first). */
    public static List<Prediction> topK(float[] logits, List<String> labels, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        double norm = sum;
        double top = max;
        List<Integer> order = IntStream.range(0, logits.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -logits[i]).thenComparingInt(i -> i)).toList();
        List<Prediction> out = new ArrayList<>();
        for (int r = 0; r < Math.min(k, logits.length); r++) {
            int i = order.get(r);
            out.add(new Prediction(r + 1, i, labels.get(i), Math.exp(logits[i] - top) / norm, logits[i]));
        }
        return out;
    }
}
