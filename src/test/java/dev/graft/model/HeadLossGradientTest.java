package dev.graft.model;

import dev.graft.config.HeadConfig;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The multi-label and regression heads' losses on a tiny head in double precision (issue 17): the gradient DL4J
 * back-propagates equals central finite differences of the loss, with and without a per-label mask; a masked
 * label adds nothing to the loss; the loss is the binary cross-entropy (or squared error) Graft documents.
 */
class HeadLossGradientTest {
    private static final int IN = 3;
    private static final int N = 5;

    private static ComputationGraph head(HeadConfig.Problem problem, int outputs) {
        return head(new HeadConfig(problem, List.of(4), HeadConfig.Activation.TANH, 0.0, false), outputs, null);
    }

    private static ComputationGraph head(HeadConfig config, int outputs, float[] lossWeights) {
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE).seed(7).updater(new NoOp()).graphBuilder()
                .addInputs("in").setInputTypes(InputType.feedForward(IN));
        graph.setOutputs(HeadBuilder.add(graph, new HeadSpec(config, outputs, lossWeights), "in", IN));
        ComputationGraph model = new ComputationGraph(graph.build());
        model.init();
        return model;
    }

    private static ComputationGraph regression(HeadConfig.RegressionLoss loss, double delta) {
        return head(new HeadConfig(HeadConfig.Problem.REGRESSION, List.of(4), HeadConfig.Activation.TANH, 0.0,
                false, dev.graft.config.PosWeight.none(), loss, delta), 1, null);
    }

    private static double score(ComputationGraph model, INDArray x, INDArray y, INDArray mask) {
        model.setInputs(x);
        model.setLabels(y);
        model.setLayerMaskArrays(null, mask == null ? null : new INDArray[] {mask});
        model.computeGradientAndScore();
        return model.score();
    }

    /** Largest relative difference between back-propagation and central differences over every parameter. */
    private static double worstGradientError(ComputationGraph model, INDArray x, INDArray y, INDArray mask) {
        score(model, x, y, mask);
        // DL4J back-propagates the summed loss and divides by the minibatch size in the updater; the score is the
        // mean over images, so compare with gradient / N.
        INDArray analytic = model.gradient().gradient().dup().divi(x.size(0));
        INDArray params = model.params();
        double eps = 1e-6;
        double worst = 0;
        for (int i = 0; i < params.length(); i++) {
            double original = params.getDouble(i);
            params.putScalar(i, original + eps);
            double plus = score(model, x, y, mask);
            params.putScalar(i, original - eps);
            double minus = score(model, x, y, mask);
            params.putScalar(i, original);
            double numeric = (plus - minus) / (2 * eps);
            double a = analytic.getDouble(i);
            double denominator = Math.max(1e-8, Math.abs(a) + Math.abs(numeric));
            worst = Math.max(worst, Math.abs(a - numeric) / denominator);
        }
        return worst;
    }

    @Test
    void binaryCrossEntropyGradientEqualsFiniteDifferencesWithAndWithoutMask() {
        ComputationGraph model = head(HeadConfig.Problem.MULTI_LABEL, 3);
        INDArray x = Nd4j.rand(DataType.DOUBLE, N, IN).subi(0.5).muli(2);
        INDArray y = Nd4j.create(new double[][] {{1, 0, 1}, {0, 0, 1}, {1, 1, 0}, {0, 1, 0}, {1, 0, 0}});
        INDArray mask = Nd4j.create(new double[][] {{1, 0, 1}, {1, 1, 1}, {0, 1, 1}, {1, 1, 0}, {1, 1, 1}});
        assertTrue(worstGradientError(model, x, y, null) < 1e-5, "unmasked");
        assertTrue(worstGradientError(model, x, y, mask) < 1e-5, "masked");
    }

    @Test
    void maskedLabelsAddNothingAndTheLossIsSummedBinaryCrossEntropyPerImage() {
        ComputationGraph model = head(HeadConfig.Problem.MULTI_LABEL, 3);
        INDArray x = Nd4j.rand(DataType.DOUBLE, N, IN);
        INDArray y = Nd4j.create(new double[][] {{1, 0, 1}, {0, 0, 1}, {1, 1, 0}, {0, 1, 0}, {1, 0, 0}});
        INDArray mask = Nd4j.create(new double[][] {{1, 0, 1}, {1, 1, 1}, {0, 1, 1}, {1, 1, 0}, {1, 1, 1}});
        double masked = score(model, x, y, mask);
        INDArray flipped = y.dup();
        flipped.putScalar(0, 1, 1 - flipped.getDouble(0, 1)); // change only labels the mask hides
        flipped.putScalar(2, 0, 1 - flipped.getDouble(2, 0));
        assertEquals(masked, score(model, x, flipped, mask), 1e-12, "a masked label's value does not matter");

        double[][] p = model.outputSingle(false, x).toDoubleMatrix();
        double expected = 0;
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < 3; j++) {
                if (mask.getDouble(i, j) == 1) {
                    double t = y.getDouble(i, j);
                    expected -= t * Math.log(p[i][j]) + (1 - t) * Math.log(1 - p[i][j]);
                }
            }
        }
        assertEquals(expected / N, masked, 1e-9, "sum over known labels, mean over images");
        assertTrue(Math.abs(score(model, x, y, null) - masked) > 1e-6, "the mask does change the loss");
    }

    @Test
    void squaredErrorGradientEqualsFiniteDifferences() {
        ComputationGraph model = head(HeadConfig.Problem.REGRESSION, 1);
        INDArray x = Nd4j.rand(DataType.DOUBLE, N, IN);
        INDArray y = Nd4j.create(new double[][] {{0.5}, {-1.2}, {2.0}, {0.0}, {0.3}});
        assertTrue(worstGradientError(model, x, y, null) < 1e-5);
        double[] z = model.outputSingle(false, x).toDoubleVector();
        double expected = 0;
        for (int i = 0; i < N; i++) {
            expected += (z[i] - y.getDouble(i, 0)) * (z[i] - y.getDouble(i, 0));
        }
        assertEquals(expected / N, score(model, x, y, null), 1e-9, "mean squared error over images");
    }

    private static final float[] POS_WEIGHT = {3f, 0.5f, 1f};

    private static ComputationGraph weightedMultiLabel() {
        return head(new HeadConfig(HeadConfig.Problem.MULTI_LABEL, List.of(4), HeadConfig.Activation.TANH, 0.0,
                false, dev.graft.config.PosWeight.auto(), null, 1.0), 3, POS_WEIGHT);
    }

    @Test
    void positiveWeightedCrossEntropyGradientEqualsFiniteDifferencesWithAndWithoutMask() {
        ComputationGraph model = weightedMultiLabel();
        INDArray x = Nd4j.rand(DataType.DOUBLE, N, IN).subi(0.5).muli(2);
        INDArray y = Nd4j.create(new double[][] {{1, 0, 1}, {0, 0, 1}, {1, 1, 0}, {0, 1, 0}, {1, 0, 0}});
        INDArray mask = Nd4j.create(new double[][] {{1, 0, 1}, {1, 1, 1}, {0, 1, 1}, {1, 1, 0}, {1, 1, 1}});
        assertTrue(worstGradientError(model, x, y, null) < 1e-5, "unmasked");
        assertTrue(worstGradientError(model, x, y, mask) < 1e-5, "masked");
    }

    @Test
    void positiveWeightsScaleOnlyThePositiveTermsOfTheKnownLabels() {
        ComputationGraph model = weightedMultiLabel();
        INDArray x = Nd4j.rand(DataType.DOUBLE, N, IN);
        INDArray y = Nd4j.create(new double[][] {{1, 0, 1}, {0, 0, 1}, {1, 1, 0}, {0, 1, 0}, {1, 0, 0}});
        INDArray mask = Nd4j.create(new double[][] {{1, 0, 1}, {1, 1, 1}, {0, 1, 1}, {1, 1, 0}, {1, 1, 1}});
        double[][] p = model.outputSingle(false, x).toDoubleMatrix();
        double expected = 0;
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < 3; j++) {
                if (mask.getDouble(i, j) == 1) {
                    double t = y.getDouble(i, j);
                    expected -= POS_WEIGHT[j] * t * Math.log(p[i][j]) + (1 - t) * Math.log(1 - p[i][j]);
                }
            }
        }
        assertEquals(expected / N, score(model, x, y, mask), 1e-9, "weighted BCE over known labels, mean over images");

        ComputationGraph unweighted = head(HeadConfig.Problem.MULTI_LABEL, 3);
        unweighted.setParams(model.params());
        INDArray negatives = Nd4j.zeros(DataType.DOUBLE, N, 3);
        assertEquals(score(unweighted, x, negatives, null), score(model, x, negatives, null), 1e-6,
                "all-negative targets: the weights change nothing (DL4J's BCE clips at 1e-5, hence 1e-6)");
    }

    @Test
    void l1GradientEqualsFiniteDifferencesAndTheLossIsTheAbsoluteError() {
        ComputationGraph model = regression(HeadConfig.RegressionLoss.L1, 1.0);
        INDArray x = Nd4j.rand(DataType.DOUBLE, N, IN);
        INDArray y = Nd4j.create(new double[][] {{0.5}, {-1.2}, {2.0}, {0.0}, {0.3}});
        assertTrue(worstGradientError(model, x, y, null) < 1e-5);
        double[] z = model.outputSingle(false, x).toDoubleVector();
        double expected = 0;
        for (int i = 0; i < N; i++) {
            expected += Math.abs(z[i] - y.getDouble(i, 0));
        }
        assertEquals(expected / N, score(model, x, y, null), 1e-9, "mean absolute error over images");
    }

    @Test
    void huberGradientEqualsFiniteDifferencesOnBothSidesOfDelta() {
        double delta = 0.7;
        ComputationGraph model = regression(HeadConfig.RegressionLoss.HUBER, delta);
        INDArray x = Nd4j.rand(DataType.DOUBLE, N, IN);
        double[] z = model.outputSingle(false, x).toDoubleVector();
        // residuals -2, -0.3, 0.1, 0.5, 1.5: two beyond delta, three inside it (none near the kink)
        double[] residual = {-2, -0.3, 0.1, 0.5, 1.5};
        INDArray y = Nd4j.create(DataType.DOUBLE, N, 1);
        double expected = 0;
        for (int i = 0; i < N; i++) {
            y.putScalar(i, 0, z[i] - residual[i]);
            double a = Math.abs(residual[i]);
            expected += a <= delta ? 0.5 * a * a : delta * (a - 0.5 * delta);
        }
        assertTrue(worstGradientError(model, x, y, null) < 1e-5);
        assertEquals(expected / N, score(model, x, y, null), 1e-9, "Huber loss, mean over images");
    }

    @Test
    void theNewLossesSurviveTheModelConfigurationsJson() {
        for (ComputationGraph model : List.of(weightedMultiLabel(), regression(HeadConfig.RegressionLoss.HUBER, 0.7),
                regression(HeadConfig.RegressionLoss.L1, 1.0))) {
            String json = model.getConfiguration().toJson();
            assertEquals(model.getConfiguration(), ComputationGraphConfiguration.fromJson(json), json);
        }
    }
}
