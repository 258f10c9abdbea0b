package dev.graft.train;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The range test on linear regression with plain SGD, where the divergent rate is known: x ~ N(0, I) in 4
 * dimensions, y = w.x + b + noise, DL4J's MSE (one output) has Hessian 2 E[xx'] = 2I, so SGD diverges above a rate
 * of 2 / 2 = 1 (a little lower on a batch of 32, whose sample covariance has eigenvalues up to about 1.8).
 */
class RangeTestTest {
    private static final int STEPS = 120;
    private static final double MIN_LR = 1e-4;
    private static final double MAX_LR = 1e2;

    private static ComputationGraph linearModel() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.DOUBLE)
                .updater(new Sgd(RangeTest.schedule(MIN_LR, MAX_LR, STEPS))).graphBuilder().addInputs("in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(1)
                        .activation(Activation.IDENTITY).build(), "in")
                .setOutputs("out").build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }

    private static Supplier<DataSet> batches() {
        Random random = new Random(7);
        double[] w = {1.5, -2.0, 0.5, 3.0};
        return () -> {
            INDArray x = Nd4j.zeros(DataType.DOUBLE, 32, 4);
            INDArray y = Nd4j.zeros(DataType.DOUBLE, 32, 1);
            for (int i = 0; i < 32; i++) {
                double target = 0.7 + 0.1 * random.nextGaussian();
                for (int j = 0; j < 4; j++) {
                    double v = random.nextGaussian();
                    x.putScalar(i, j, v);
                    target += w[j] * v;
                }
                y.putScalar(i, 0, target);
            }
            return new DataSet(x, y);
        };
    }

    @Test
    void curveFallsThenRisesAndTheSuggestionLiesInTheFallingPart() {
        RangeTest.Curve curve = RangeTest.run(linearModel(), batches(), STEPS, MIN_LR, MAX_LR, 1, 3,
                new LabelSmoothing(0));
        var points = curve.points();
        RangeTest.Point first = points.get(0);
        RangeTest.Point last = points.get(points.size() - 1);
        assertTrue(curve.diverged(), "the sweep stops once the loss explodes");
        assertTrue(last.lr() > 0.5 && last.lr() < 30, "it explodes past the known divergent rate ~1: " + last.lr());
        assertTrue(curve.minimumLr() < 2, "the lowest loss is below the divergent rate: " + curve.minimumLr());
        double minimum = points.stream().mapToDouble(RangeTest.Point::smoothed).min().orElseThrow();
        assertTrue(minimum < 0.5 * first.smoothed(), "the (smoothed, lagging) loss fell: " + first.smoothed() + " -> " + minimum);
        assertTrue(last.smoothed() > 4 * minimum, "then rose: " + last.smoothed());
        double suggested = curve.suggestedLr();
        assertTrue(suggested > 1e-2 && suggested < 1, "the suggestion " + suggested + " lies below the divergent rate, "
                + "where plain SGD converges fast on this problem");
        RangeTest.Point near = points.stream().min(java.util.Comparator.comparingDouble(
                p -> Math.abs(Math.log(p.lr() / suggested)))).orElseThrow();
        int i = near.step();
        assertTrue(points.get(i + 1).smoothed() < points.get(i - 1).smoothed(), "the smoothed loss is falling there");
        assertTrue(near.loss() < 0.1 * first.loss(), "and training at that rate works: loss " + near.loss());
    }

    @Test
    void aCurveThatNeverFallsHasNoSuggestion() {
        var points = java.util.List.of(new RangeTest.Point(0, 1e-3, 1, 1), new RangeTest.Point(1, 1e-2, 2, 2),
                new RangeTest.Point(2, 1e-1, 3, 3));
        RangeTest.Curve curve = RangeTest.summarise(points, false);
        assertTrue(Double.isNaN(curve.suggestedLr()) && Double.isNaN(curve.steepestLr()));
        assertTrue(curve.minimumLr() == 1e-3);
    }
}
