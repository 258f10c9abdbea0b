package dev.graft.train;

import dev.graft.data.SampleRef;
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.metrics.MetricsSummary;
import dev.graft.metrics.ProbabilityMetrics;
import dev.graft.metrics.ScoredExamples;
import dev.graft.model.TestTimeAugmentation;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a model in inference mode over a dataset split and scores it. The loss is the plain (unweighted,
 * unsmoothed) cross-entropy, so it is comparable across runs whatever their training loss.
 */
public final class Evaluator {
    private static final double EPS = 1e-12;

    private Evaluator() {
    }

    /**
     * A split scored: the argmax metrics, every example's probabilities (and image path, when the batches carry
     * it), and the threshold-free metrics of {@link ProbabilityMetrics}.
     *
     * @param paths one per example; null entries where the batch had no metadata (cached features)
     * @param views with test-time augmentation, each view's own probabilities (identity first; {@code scored} is
     *              their mean); else just {@code scored}
     */
    public record Evaluation(MetricsSummary summary, ScoredExamples scored, List<String> paths,
                             Map<String, Double> scores, List<ScoredExamples> views) {
    }

    /**
     * Scores {@code model} on {@code data}.
     *
     * @param positiveClass the class whose probability is a binary task's score (AUROC, PR AUC, Brier)
     */
    public static Evaluation evaluate(ComputationGraph model, DataSetIterator data, List<String> classes,
                                      int positiveClass) {
        return evaluate(model, data, classes, positiveClass, TestTimeAugmentation.none());
    }

    /** Scores {@code model} on {@code data}, each image's probabilities averaged over {@code tta}'s views. */
    public static Evaluation evaluate(ComputationGraph model, DataSetIterator data, List<String> classes,
                                      int positiveClass, TestTimeAugmentation tta) {
        List<List<double[]>> rows = new ArrayList<>();
        for (int v = 0; v < tta.viewCount(); v++) {
            rows.add(new ArrayList<>());
        }
        List<Integer> labels = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        data.reset();
        while (data.hasNext()) {
            DataSet batch = data.next();
            List<float[][]> views = tta.outputs(x -> model.outputSingle(false, x), batch.getFeatures());
            int[] batchLabels = labels(batch);
            List<? extends Serializable> meta = batch.getExampleMetaData();
            for (int i = 0; i < batchLabels.length; i++) {
                for (int v = 0; v < views.size(); v++) {
                    rows.get(v).add(toDouble(views.get(v)[i]));
                }
                labels.add(batchLabels[i]);
                paths.add(meta == null ? null : pathOf(meta.get(i)));
            }
        }
        int[] labelArray = labels.stream().mapToInt(Integer::intValue).toArray();
        List<ScoredExamples> views = rows.stream().map(r -> new ScoredExamples(r.toArray(double[][]::new), labelArray,
                classes.size())).toList();
        return of(views, paths, classes, positiveClass);
    }

    /** The evaluation of already computed probabilities (e.g. after calibration). */
    public static Evaluation of(ScoredExamples scored, List<String> paths, List<String> classes, int positiveClass) {
        return of(List.of(scored), paths, classes, positiveClass);
    }

    /** The evaluation of the mean of test-time augmentation views' probabilities (one view: that view). */
    public static Evaluation of(List<ScoredExamples> views, List<String> paths, List<String> classes,
                                int positiveClass) {
        ScoredExamples scored = views.size() == 1 ? views.get(0) : meanOf(views);
        return new Evaluation(summarise(scored, classes), scored, paths,
                new ProbabilityMetrics(positiveClass).compute(scored), List.copyOf(views));
    }

    /** The element-wise mean of the views' probabilities (same examples, same order). */
    static ScoredExamples meanOf(List<ScoredExamples> views) {
        ScoredExamples first = views.get(0);
        double[][] mean = new double[first.size()][first.classes()];
        for (ScoredExamples view : views) {
            for (int i = 0; i < mean.length; i++) {
                for (int c = 0; c < mean[i].length; c++) {
                    mean[i][c] += view.probabilities()[i][c] / views.size();
                }
            }
        }
        return new ScoredExamples(mean, first.labels(), first.classes());
    }

    /** The argmax metrics and mean cross-entropy of scored examples. */
    static MetricsSummary summarise(ScoredExamples scored, List<String> classes) {
        ClassificationMetrics metrics = new ClassificationMetrics(classes);
        double loss = 0;
        for (int i = 0; i < scored.size(); i++) {
            double[] p = scored.probabilities()[i];
            float[] asFloat = new float[p.length];
            for (int c = 0; c < p.length; c++) {
                asFloat[c] = (float) p[c];
            }
            metrics.add(asFloat, scored.labels()[i]);
            loss -= Math.log(Math.max(EPS, p[scored.labels()[i]]));
        }
        metrics.addLoss(loss, scored.size());
        return metrics.summary();
    }

    private static double[] toDouble(float[] p) {
        double[] out = new double[p.length];
        for (int c = 0; c < p.length; c++) {
            out[c] = p[c];
        }
        return out;
    }

    /** The image path an example's metadata names (null when the batch carried none). */
    static String pathOf(Serializable source) {
        return source instanceof SampleRef ref ? ref.path() : source == null ? null : source.toString();
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
