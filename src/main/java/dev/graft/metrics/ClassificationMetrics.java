package dev.graft.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Accumulates predictions batch by batch and summarises them. Not thread-safe: one instance per pass.
 */
public final class ClassificationMetrics {
    /** The k of "top-5", capped at the class count. */
    public static final int DEFAULT_TOP_K = 5;

    private final List<String> classes;
    private final int k;
    private final long[][] confusion;
    private long count;
    private long topKHits;
    private double lossSum;
    private long lossCount;

    public ClassificationMetrics(List<String> classes) {
        this(classes, DEFAULT_TOP_K);
    }

    public ClassificationMetrics(List<String> classes, int topK) {
        if (classes.isEmpty()) {
            throw new IllegalArgumentException("no classes");
        }
        this.classes = List.copyOf(classes);
        this.k = Math.min(topK, classes.size());
        this.confusion = new long[classes.size()][classes.size()];
    }

    /** The accumulated counts, to be saved in a checkpoint and restored with {@link #restore}. */
    public State state() {
        long[][] copy = new long[confusion.length][];
        for (int c = 0; c < confusion.length; c++) {
            copy[c] = confusion[c].clone();
        }
        return new State(copy, count, topKHits, lossSum, lossCount);
    }

    /** Continues from a saved {@link State} (a run resumed in the middle of an epoch). */
    public void restore(State state) {
        for (int c = 0; c < confusion.length; c++) {
            System.arraycopy(state.confusion()[c], 0, confusion[c], 0, confusion.length);
        }
        count = state.count();
        topKHits = state.topKHits();
        lossSum = state.lossSum();
        lossCount = state.lossCount();
    }

    /** Everything {@link ClassificationMetrics} has accumulated so far. */
    public record State(long[][] confusion, long count, long topKHits, double lossSum, long lossCount) {
    }

    /** Adds one example: its class scores (probabilities or logits) and true class index. */
    public void add(float[] scores, int label) {
        if (scores.length != classes.size()) {
            throw new IllegalArgumentException("expected " + classes.size() + " scores, got " + scores.length);
        }
        int predicted = argmax(scores);
        confusion[label][predicted]++;
        count++;
        if (rankOf(scores, label) < k) {
            topKHits++;
        }
    }

    /** Adds a batch's summed loss and how many examples it covers. */
    public void addLoss(double summedLoss, long examples) {
        lossSum += summedLoss;
        lossCount += examples;
    }

    public MetricsSummary summary() {
        int n = classes.size();
        List<ClassStats> perClass = new ArrayList<>(n);
        long correct = 0;
        double recallSum = 0;
        double f1Sum = 0;
        int classesWithSupport = 0;
        for (int c = 0; c < n; c++) {
            long tp = confusion[c][c];
            long support = 0;
            long predicted = 0;
            for (int j = 0; j < n; j++) {
                support += confusion[c][j];
                predicted += confusion[j][c];
            }
            correct += tp;
            double precision = predicted == 0 ? 0 : (double) tp / predicted;
            double recall = support == 0 ? 0 : (double) tp / support;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass.add(new ClassStats(classes.get(c), precision, recall, f1, support));
            if (support > 0) {
                classesWithSupport++;
                recallSum += recall;
                f1Sum += f1;
            }
        }
        // Balanced accuracy and macro-F1 average over the classes present in this split (as scikit-learn
        // does for recall); a class absent from the split would otherwise count as a zero.
        double balanced = classesWithSupport == 0 ? 0 : recallSum / classesWithSupport;
        double macroF1 = classesWithSupport == 0 ? 0 : f1Sum / classesWithSupport;
        long[][] copy = new long[n][];
        for (int c = 0; c < n; c++) {
            copy[c] = confusion[c].clone();
        }
        return new MetricsSummary(count, lossCount == 0 ? Double.NaN : lossSum / lossCount,
                count == 0 ? 0 : (double) correct / count, count == 0 ? 0 : (double) topKHits / count, k,
                balanced, macroF1, perClass, copy);
    }

    static int argmax(float[] scores) {
        int best = 0;
        for (int i = 1; i < scores.length; i++) {
            if (scores[i] > scores[best]) {
                best = i;
            }
        }
        return best;
    }

    /** How many classes score strictly higher than {@code label} (ties count in the label's favour). */
    static int rankOf(float[] scores, int label) {
        int rank = 0;
        for (float s : scores) {
            if (s > scores[label]) {
                rank++;
            }
        }
        return rank;
    }
}
