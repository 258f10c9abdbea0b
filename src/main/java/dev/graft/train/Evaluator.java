package dev.graft.train;

import dev.graft.metrics.ClassificationMetrics;
import dev.graft.metrics.MetricsSummary;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.io.Serializable;
import java.util.List;

/**
 * Runs a model in inference mode over a dataset split and scores it. The loss is the plain (unweighted,
 * unsmoothed) cross-entropy, so it is comparable across runs whatever their training loss.
 */
public final class Evaluator {
    private static final double EPS = 1e-12;

    private Evaluator() {
    }

    /** Receives every example's prediction (for per-image CSVs); the source is the example's metadata. */
    @FunctionalInterface
    public interface PredictionSink {
        void accept(Serializable source, int label, float[] probabilities);
    }

    public static MetricsSummary evaluate(ComputationGraph model, DataSetIterator data, List<String> classes,
                                          PredictionSink sink) {
        ClassificationMetrics metrics = new ClassificationMetrics(classes);
        data.reset();
        while (data.hasNext()) {
            DataSet batch = data.next();
            float[][] probabilities = model.outputSingle(false, batch.getFeatures()).toFloatMatrix();
            int[] labels = labels(batch);
            double loss = 0;
            for (int i = 0; i < probabilities.length; i++) {
                metrics.add(probabilities[i], labels[i]);
                loss -= Math.log(Math.max(EPS, probabilities[i][labels[i]]));
                if (sink != null) {
                    List<? extends Serializable> meta = batch.getExampleMetaData();
                    sink.accept(meta == null ? null : meta.get(i), labels[i], probabilities[i]);
                }
            }
            metrics.addLoss(loss, probabilities.length);
        }
        return metrics.summary();
    }

    /** Class indices from one-hot (or smoothed) label rows. */
    static int[] labels(DataSet batch) {
        float[][] y = batch.getLabels().toFloatMatrix();
        int[] out = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            int best = 0;
            for (int c = 1; c < y[i].length; c++) {
                if (y[i][c] > y[i][best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }
}
