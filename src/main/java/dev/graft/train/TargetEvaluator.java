package dev.graft.train;

import dev.graft.config.HeadConfig.Problem;
import dev.graft.data.TargetScaling;
import dev.graft.metrics.LabelScores;
import dev.graft.metrics.MultiLabelMetrics;
import dev.graft.metrics.RegressionMetrics;
import dev.graft.model.ModelAssembler;
import dev.graft.model.TestTimeAugmentation;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.lossfunctions.ILossFunction;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a multi-label or regression model in inference mode over a split and scores it: the loss training minimises
 * (the output layer's own loss function on the same forward pass: binary cross-entropy summed over an image's known
 * labels, positives weighted by {@code head.pos_weight}; squared, absolute or Huber error of the standardised
 * target), averaged over images, and the task's {@link dev.graft.metrics.MetricSet} ({@link MultiLabelMetrics}: macro and
 * micro AUROC, mAP; {@link RegressionMetrics}: MAE, RMSE, R² in the target's own units).
 */
final class TargetEvaluator {
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
     * commutes with undoing the standardisation) averaged over {@code tta}'s views; the loss is the mean of the
     * views' losses.
     */
    static Evaluation evaluate(ComputationGraph model, DataSetIterator data, Problem problem, TargetScaling scaling,
                               TestTimeAugmentation tta) {
        List<double[]> outputs = new ArrayList<>();
        List<float[]> targets = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        HeadLoss loss = new HeadLoss(model);
        double lossSum = 0;
        data.reset();
        while (data.hasNext()) {
            DataSet batch = data.next();
            INDArray mask = batch.getLabelsMaskArray();
            double[] viewLoss = {0};
            float[][] out = TestTimeAugmentation.mean(tta.outputs(x -> {
                Map<String, INDArray> activations = model.feedForward(x, false);
                viewLoss[0] += loss.sum(activations, batch.getLabels(), mask);
                return activations.get(ModelAssembler.OUTPUT);
            }, batch.getFeatures()));
            lossSum += viewLoss[0] / tta.viewCount();
            float[][] y = batch.getLabels().toFloatMatrix();
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
        double meanLoss = lossSum / Math.max(1, outputs.size());
        return problem == Problem.REGRESSION ? regression(outputs, targets, paths, scaling, meanLoss)
                : multiLabel(outputs, targets, paths, meanLoss);
    }

    private static Evaluation multiLabel(List<double[]> outputs, List<float[]> targets, List<String> paths,
                                         double loss) {
        LabelScores scores = new LabelScores(outputs.toArray(double[][]::new), targets.toArray(float[][]::new));
        return new Evaluation(scores.size(), loss, new MultiLabelMetrics().compute(scores), scores, null, paths);
    }

    private static Evaluation regression(List<double[]> outputs, List<float[]> targets, List<String> paths,
                                         TargetScaling scaling, double loss) {
        int n = outputs.size();
        double[] predicted = new double[n];
        double[] actual = new double[n];
        for (int i = 0; i < n; i++) {
            predicted[i] = scaling.restore(outputs.get(i)[0]);
            actual[i] = scaling.restore(targets.get(i)[0]);
        }
        RegressionMetrics.Values values = new RegressionMetrics.Values(predicted, actual);
        return new Evaluation(n, loss, new RegressionMetrics().compute(values), null, values, paths);
    }

    /** The output layer's loss function, applied to its pre-activation recomputed from a forward pass. */
    private static final class HeadLoss {
        private final ILossFunction function;
        private final IActivation activation;
        private final String input;
        private final INDArray weights;
        private final INDArray bias;

        HeadLoss(ComputationGraph model) {
            LayerVertex vertex = (LayerVertex) model.getConfiguration().getVertices().get(ModelAssembler.OUTPUT);
            BaseOutputLayer layer = (BaseOutputLayer) vertex.getLayerConf().getLayer();
            this.function = layer.getLossFn();
            this.activation = layer.getActivationFn();
            this.input = model.getConfiguration().getVertexInputs().get(ModelAssembler.OUTPUT).get(0);
            this.weights = model.getParam(ModelAssembler.OUTPUT + "_W");
            this.bias = model.getParam(ModelAssembler.OUTPUT + "_b");
        }

        /** The batch's loss summed over images (masked labels add nothing). */
        double sum(Map<String, INDArray> activations, INDArray labels, INDArray mask) {
            INDArray preOutput = activations.get(input).castTo(weights.dataType()).mmul(weights).addiRowVector(bias);
            return function.computeScore(labels, preOutput, activation, mask, false);
        }
    }
}
