package dev.graft.model;

import dev.graft.config.HeadConfig;
import dev.graft.config.TrainLoss;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code train.loss: {focal: {gamma}}} (issue 21) on a tiny softmax head in double precision: the loss is
 * {@code -sum w_j y_j (1 - p_j)^gamma log p_j} computed by hand from the head's probabilities, its gradient equals
 * central finite differences (one-hot, soft mixup-style targets, class weights, gamma below 1), gamma 0 equals DL4J's
 * cross-entropy, and the loss survives the model's JSON. The cross-entropy's own gradient is checked on soft
 * targets too: mixup relies on DL4J's LossMCXENT taking them.
 */
class FocalLossTest {
    private static final int IN = 3;
    private static final int K = 4;
    private static final INDArray ONE_HOT = Nd4j.create(new double[][] {
            {1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 0, 1}, {0, 0, 1, 0}, {1, 0, 0, 0}});
    /** Mixup-style rows: two classes mixed with weights that sum to 1 (one smoothed row). */
    private static final INDArray SOFT = Nd4j.create(new double[][] {
            {0.7, 0.3, 0, 0}, {0, 0.25, 0.75, 0}, {0.1, 0, 0, 0.9}, {0, 0, 1, 0}, {0.4, 0.2, 0.2, 0.2}});
    private static final float[] WEIGHTS = {0.5f, 2f, 1f, 3f};

    private static ComputationGraph head(TrainLoss loss, float[] weights) {
        return head(loss, weights, List.of(5));
    }

    private static ComputationGraph head(TrainLoss loss, float[] weights, List<Integer> hidden) {
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE).seed(11).updater(new NoOp()).graphBuilder()
                .addInputs("in").setInputTypes(InputType.feedForward(IN));
        HeadConfig config = new HeadConfig(hidden, HeadConfig.Activation.TANH, 0.0, false);
        graph.setOutputs(HeadBuilder.add(graph, new HeadSpec(config, K, weights, loss), "in", IN));
        ComputationGraph model = new ComputationGraph(graph.build());
        model.init();
        return model;
    }

    private static INDArray inputs() {
        Nd4j.getRandom().setSeed(3);
        return Nd4j.rand(DataType.DOUBLE, 5, IN).subi(0.5).muli(4);
    }

    private static double score(ComputationGraph model, INDArray x, INDArray y) {
        model.setInputs(x);
        model.setLabels(y);
        model.computeGradientAndScore();
        return model.score();
    }

    /** Largest relative difference between back-propagation and central differences over every parameter. */
    private static double worstGradientError(ComputationGraph model, INDArray x, INDArray y) {
        score(model, x, y);
        INDArray analytic = model.gradient().gradient().dup().divi(x.size(0)); // score is the mean over images
        INDArray params = model.params();
        double eps = 1e-6;
        double worst = 0;
        for (int i = 0; i < params.length(); i++) {
            double original = params.getDouble(i);
            params.putScalar(i, original + eps);
            double plus = score(model, x, y);
            params.putScalar(i, original - eps);
            double minus = score(model, x, y);
            params.putScalar(i, original);
            double numeric = (plus - minus) / (2 * eps);
            double a = analytic.getDouble(i);
            worst = Math.max(worst, Math.abs(a - numeric) / Math.max(1e-8, Math.abs(a) + Math.abs(numeric)));
        }
        return worst;
    }

    /** The documented formula, from the head's softmax output, mean over images. */
    private static double byHand(double[][] p, INDArray y, double gamma, float[] weights) {
        double total = 0;
        for (int i = 0; i < p.length; i++) {
            for (int j = 0; j < K; j++) {
                double w = weights == null ? 1 : weights[j];
                total -= w * y.getDouble(i, j) * Math.pow(1 - p[i][j], gamma) * Math.log(p[i][j]);
            }
        }
        return total / p.length;
    }

    @Test
    void focalLossIsTheDocumentedFormula() {
        INDArray x = inputs();
        for (double gamma : new double[] {0.5, 2, 5}) {
            for (float[] weights : new float[][] {null, WEIGHTS}) {
                ComputationGraph model = head(TrainLoss.focal(gamma), weights);
                double[][] p = model.outputSingle(false, x).toDoubleMatrix();
                assertEquals(byHand(p, ONE_HOT, gamma, weights), score(model, x, ONE_HOT), 1e-10, "gamma " + gamma);
                assertEquals(byHand(p, SOFT, gamma, weights), score(model, x, SOFT), 1e-10, "soft, gamma " + gamma);
            }
        }
    }

    /** Largest relative difference between the loss's gradient on the logits and central differences of its score. */
    private static double worstLogitGradientError(org.nd4j.linalg.lossfunctions.ILossFunction loss, INDArray y) {
        Nd4j.getRandom().setSeed(5);
        INDArray z = Nd4j.rand(DataType.DOUBLE, y.rows(), K).subi(0.5).muli(6);
        IActivation softmax = new ActivationSoftmax();
        INDArray analytic = loss.computeGradient(y, z.dup(), softmax, null);
        double eps = 1e-6;
        double worst = 0;
        for (int i = 0; i < z.rows(); i++) {
            for (int j = 0; j < K; j++) {
                double original = z.getDouble(i, j);
                z.putScalar(i, j, original + eps);
                double plus = loss.computeScore(y, z.dup(), softmax, null, false);
                z.putScalar(i, j, original - eps);
                double minus = loss.computeScore(y, z.dup(), softmax, null, false);
                z.putScalar(i, j, original);
                double numeric = (plus - minus) / (2 * eps);
                double a = analytic.getDouble(i, j);
                // relative; entries far below the O(1) score (gamma 5 on a confident row) compare absolutely
                worst = Math.max(worst, Math.abs(a - numeric) / Math.max(1e-4, Math.abs(a) + Math.abs(numeric)));
            }
        }
        return worst;
    }

    @Test
    void focalGradientEqualsFiniteDifferences() {
        for (SoftmaxFocalLoss loss : List.of(new SoftmaxFocalLoss(0.5, null), new SoftmaxFocalLoss(5, null),
                new SoftmaxFocalLoss(2, new double[] {0.5, 2, 1, 3}))) {
            assertTrue(worstLogitGradientError(loss, ONE_HOT) < 1e-5, loss.toString());
            assertTrue(worstLogitGradientError(loss, SOFT) < 1e-5, loss + " soft targets");
        }
        // and through DL4J's back-propagation into the parameters of a linear head (few parameters: fast)
        assertTrue(worstGradientError(head(TrainLoss.focal(2), WEIGHTS, List.of()), inputs(), SOFT) < 1e-5);
    }

    @Test
    void gammaZeroIsTheCrossEntropyWithAndWithoutClassWeights() {
        INDArray x = inputs();
        for (float[] weights : new float[][] {null, WEIGHTS}) {
            ComputationGraph focal = head(TrainLoss.focal(0), weights);
            ComputationGraph crossEntropy = head(TrainLoss.crossEntropy(), weights);
            crossEntropy.setParams(focal.params());
            for (INDArray y : List.of(ONE_HOT, SOFT)) {
                assertEquals(score(crossEntropy, x, y), score(focal, x, y), 1e-9);
                INDArray expected = crossEntropy.gradient().gradient().dup();
                score(focal, x, y);
                assertTrue(expected.equalsWithEps(focal.gradient().gradient(), 1e-9), "same gradient");
            }
        }
        ComputationGraph focal = head(TrainLoss.focal(2), null);
        ComputationGraph crossEntropy = head(TrainLoss.crossEntropy(), null);
        crossEntropy.setParams(focal.params());
        assertTrue(score(focal, x, ONE_HOT) < score(crossEntropy, x, ONE_HOT) - 1e-3,
                "gamma 2 lowers the loss of every image that is not hopeless");
    }

    @Test
    void crossEntropyTakesSoftTargets() {
        for (float[] weights : new float[][] {null, WEIGHTS}) {
            ComputationGraph model = head(TrainLoss.crossEntropy(), weights);
            INDArray x = inputs();
            assertTrue(worstLogitGradientError(HeadBuilder.loss(new HeadSpec(new HeadConfig(List.of(),
                    HeadConfig.Activation.RELU, 0.0, false), K, weights)), SOFT) < 1e-5);
            double[][] p = model.outputSingle(false, x).toDoubleMatrix();
            assertEquals(byHand(p, SOFT, 0, weights), score(model, x, SOFT), 1e-9, "-sum w y log p");
        }
    }

    @Test
    void saturatedLogitsGiveFiniteLossesAndGradients() {
        INDArray z = Nd4j.create(new float[][] {{200, -200, 0, 0}, {-300, 300, 0, 0}, {0, 0, 90, -90}});
        INDArray y = Nd4j.create(new float[][] {{1, 0, 0, 0}, {1, 0, 0, 0}, {0, 0, 0.5f, 0.5f}});
        for (double gamma : new double[] {0.3, 2}) {
            SoftmaxFocalLoss loss = new SoftmaxFocalLoss(gamma, null);
            INDArray scores = loss.computeScoreArray(y, z.dup(), new ActivationSoftmax(), null);
            INDArray gradient = loss.computeGradient(y, z.dup(), new ActivationSoftmax(), null);
            for (double v : scores.toDoubleVector()) {
                assertTrue(Double.isFinite(v), "score " + scores);
            }
            for (double v : gradient.ravel().toDoubleVector()) {
                assertTrue(Double.isFinite(v), "gradient " + gradient);
            }
            assertEquals(0, scores.getDouble(0), 1e-6, "a sure, right answer costs nothing");
            assertEquals(600, scores.getDouble(1), 1e-3 * 600, "a sure, wrong answer costs its log-odds: 300 - (-300)");
        }
    }

    @Test
    void theFocalLossSurvivesTheModelConfigurationsJson() {
        for (float[] weights : new float[][] {null, WEIGHTS}) {
            ComputationGraph model = head(TrainLoss.focal(1.5), weights);
            String json = model.getConfiguration().toJson();
            assertEquals(model.getConfiguration(), ComputationGraphConfiguration.fromJson(json), json);
        }
    }
}
