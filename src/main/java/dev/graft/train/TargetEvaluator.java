package dev.graft.train;

import dev.graft.config.HeadConfig.Problem;
import dev.graft.data.TargetScaling;
import dev.graft.metrics.LabelScores;
import dev.graft.metrics.MultiLabelMetrics;
import dev.graft.metrics.RegressionMetrics;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import dev.graft.model.TestTimeAugmentation;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a multi-label or regression model in inference mode over a split and scores it: the loss as training
 * defines it (binary cross-entropy summed over an image's known labels; squared error of the standardised target),
 * averaged over images, and the task's {@link dev.graft.metrics.MetricSet} ({@link MultiLabelMetrics}: macro and
 * micro AUROC, mAP; {@link RegressionMetrics}: MAE, RMSE, R² in the target's own units).
 */
final class TargetEvaluator {
    /** DL4J's LossBinaryXENT clips probabilities to [eps, 1 - eps] with this eps. */
    private static final double BCE_EPS = 1e-5;

    private TargetEvaluator() {
    }

    /**
     * A split scored.
     *
     * @param labels multi-label: probabilities and targets (NaN unknown); null for regression
     * @param values regression: predictions and targets in the target's units; null for multi-label
     */
    record Evaluation(int count, double loss, Map<String, Double> scores, LabelScores labels,
                      RegressionMetrics.Values values, List<String> paths) {
    }

    static Evaluation evaluate(ComputationGraph model, DataSetIterator data, Problem problem, TargetScaling scaling) {
        return evaluate(model, data, problem, scaling, TestTimeAugmentation.none());
    }

    /**
     * Scores {@code model} on {@code data} with its outputs (probabilities, or the standardised value: averaging
     * commutes with undoing the standardisation) averaged over {@code tta}'s views.
     */
    static Evaluation evaluate(ComputationGraph model, DataSetIterator data, Problem problem, TargetScaling scaling,
                               TestTimeAugmentation tta) {
        List<double[]> outputs = new ArrayList<>();
        List<float[]> targets = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        data.reset();
        while (data.hasNext()) {
            DataSet batch = data.next();
            float[][] out = TestTimeAugmentation.mean(tta.outputs(x -> model.outputSingle(false, x),
                    batch.getFeatures()));
            float[][] y = batch.getLabels().toFloatMatrix();
            INDArray mask = batch.getLabelsMaskArray();
            float[][] known = mask == null ? null : mask.toFloatMatrix();
            List<? extends Serializable> meta = batch.getExampleMetaData();
            for (int i = 0; i < out.length; i++) {
                double[] row = new double[out[i].length];
                float[] target = y[i].clone();
                for (int j = 0; j < row.length; j++) {
                    row[j] = out[i][j];
                    if (known != null && known[i][j] == 0f) {
                        target[j] = Float.NaN;
                    }
                }
                outputs.add(row);
                targets.add(target);
                paths.add(meta == null ? null : Evaluator.pathOf(meta.get(i)));
            }
        }
        return problem == Problem.REGRESSION ? regression(outputs, targets, paths, scaling)
                : multiLabel(outputs, targets, paths);
    }

    private static Evaluation multiLabel(List<double[]> outputs, List<float[]> targets, List<String> paths) {
        LabelScores scores = new LabelScores(outputs.toArray(double[][]::new), targets.toArray(float[][]::new));
        double loss = 0;
        for (int i = 0; i < scores.size(); i++) {
            for (int j = 0; j < scores.labels(); j++) {
                float y = scores.targets()[i][j];
                if (!Float.isNaN(y)) {
                    double p = Math.min(1 - BCE_EPS, Math.max(BCE_EPS, scores.probabilities()[i][j]));
                    loss -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
                }
            }
        }
        return new Evaluation(scores.size(), loss / Math.max(1, scores.size()),
                new MultiLabelMetrics().compute(scores), scores, null, paths);
    }

    private static Evaluation regression(List<double[]> outputs, List<float[]> targets, List<String> paths,
                                         TargetScaling scaling) {
        int n = outputs.size();
        double[] predicted = new double[n];
        double[] actual = new double[n];
        double loss = 0;
        for (int i = 0; i < n; i++) {
            double z = outputs.get(i)[0];
            double y = targets.get(i)[0];
            loss += (z - y) * (z - y);
            predicted[i] = scaling.restore(z);
            actual[i] = scaling.restore(y);
        }
        RegressionMetrics.Values values = new RegressionMetrics.Values(predicted, actual);
        return new Evaluation(n, loss / Math.max(1, n), new RegressionMetrics().compute(values), null, values, paths);
    }
}
