package dev.graft.distributed;

import dev.graft.metrics.ClassificationMetrics;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.util.List;

/**
 * Training predictions and losses counted by workers, in a form that travels (Java serialisation, for Spark) and
 * adds up: the counts of a {@link ClassificationMetrics}, so top-k and the confusion matrix mean exactly what they
 * mean for a single-process run. Not thread-safe.
 */
final class TrainTally implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final List<String> classes;
    private transient ClassificationMetrics metrics;

    TrainTally(List<String> classes) {
        this.classes = List.copyOf(classes);
        this.metrics = new ClassificationMetrics(this.classes);
    }

    /** One example's class probabilities and its true class. */
    void add(float[] probabilities, int label) {
        metrics.add(probabilities, label);
    }

    /** A batch's summed loss over {@code examples} examples. */
    void addLoss(double summedLoss, long examples) {
        metrics.addLoss(summedLoss, examples);
    }

    /** Adds {@code other}'s counts to this one. */
    void merge(TrainTally other) {
        metrics.restore(sum(metrics.state(), other.metrics.state()));
    }

    /** Adds these counts to {@code target} (an epoch's training metrics). */
    void addTo(ClassificationMetrics target) {
        target.restore(sum(target.state(), metrics.state()));
    }

    /** Examples predicted so far. */
    long count() {
        return metrics.state().count();
    }

    /** Mean loss per example so far (NaN before any). */
    double meanLoss() {
        ClassificationMetrics.State s = metrics.state();
        return s.lossCount() == 0 ? Double.NaN : s.lossSum() / s.lossCount();
    }

    List<String> classes() {
        return classes;
    }

    private static ClassificationMetrics.State sum(ClassificationMetrics.State a, ClassificationMetrics.State b) {
        long[][] confusion = new long[a.confusion().length][];
        for (int i = 0; i < confusion.length; i++) {
            confusion[i] = a.confusion()[i].clone();
            for (int j = 0; j < confusion[i].length; j++) {
                confusion[i][j] += b.confusion()[i][j];
            }
        }
        return new ClassificationMetrics.State(confusion, a.count() + b.count(), a.topKHits() + b.topKHits(),
                a.lossSum() + b.lossSum(), a.lossCount() + b.lossCount());
    }

    @Serial
    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        ClassificationMetrics.State s = metrics.state();
        out.writeObject(s.confusion());
        out.writeLong(s.count());
        out.writeLong(s.topKHits());
        out.writeDouble(s.lossSum());
        out.writeLong(s.lossCount());
    }

    @Serial
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        long[][] confusion = (long[][]) in.readObject();
        metrics = new ClassificationMetrics(classes);
        metrics.restore(new ClassificationMetrics.State(confusion, in.readLong(), in.readLong(), in.readDouble(),
                in.readLong()));
    }
}
