package dev.graft.train;

import dev.graft.config.ExperimentConfig;
import dev.graft.data.SyntheticShapes;
import dev.graft.run.RunDirectory;
import dev.graft.testing.TinyExperiments;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code train.accumulate}: K micro-batches make one update equal to the update on their union. */
class GradientAccumulationTest {
    @TempDir
    Path dir;

    /** Adam with decoupled weight decay and gradient clipping: every stateful piece of an update. */
    private static ComputationGraph tinyModel() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
                .updater(new Adam(0.05)).regularization(List.of(new WeightDecay(0.01, true)))
                .gradientNormalization(GradientNormalization.ClipL2PerLayer).gradientNormalizationThreshold(0.5)
                .graphBuilder().addInputs("in")
                .addLayer("hidden", new DenseLayer.Builder().nIn(6).nOut(5).activation(Activation.TANH).build(), "in")
                .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "hidden")
                .setOutputs("output").build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }

    private static DataSet batch(int examples, long seed) {
        java.util.Random random = new java.util.Random(seed);
        INDArray x = Nd4j.zeros(DataType.DOUBLE, examples, 6);
        for (int i = 0; i < examples; i++) {
            for (int j = 0; j < 6; j++) {
                x.putScalar(i, j, random.nextGaussian());
            }
        }
        INDArray y = Nd4j.zeros(DataType.DOUBLE, examples, 3);
        for (int i = 0; i < examples; i++) {
            y.putScalar(i, (int) (seed + i) % 3, 1.0);
        }
        return new DataSet(x, y);
    }

    /** Trains {@code updates} updates, each on micro-batches of {@code sizes}, accumulated or merged. */
    private static ComputationGraph train(int updates, int[] sizes, boolean accumulated) {
        ComputationGraph graph = tinyModel();
        GradientAccumulation accumulation = new GradientAccumulation();
        graph.setListeners(accumulation);
        for (int u = 0; u < updates; u++) {
            List<DataSet> micro = new ArrayList<>();
            for (int m = 0; m < sizes.length; m++) {
                micro.add(batch(sizes[m], 100L * u + m));
            }
            if (accumulated) {
                for (int m = 0; m < micro.size() - 1; m++) {
                    accumulation.accumulate(graph, micro.get(m));
                }
                accumulation.update(graph, micro.get(micro.size() - 1));
            } else {
                graph.fit(DataSet.merge(micro));
            }
        }
        return graph;
    }

    private static void assertSameParameters(ComputationGraph expected, ComputationGraph actual) {
        double scale = expected.params().amaxNumber().doubleValue();
        double diff = expected.params().sub(actual.params()).amaxNumber().doubleValue();
        assertTrue(diff < 1e-9 * Math.max(1, scale), "max abs parameter difference " + diff);
        assertEquals(expected.getIterationCount(), actual.getIterationCount(), "one iteration per update");
    }

    @Test
    void fourMicroBatchesOfEightEqualOneBatchOfThirtyTwo() {
        int[] sizes = {8, 8, 8, 8};
        ComputationGraph big = train(5, sizes, false);
        ComputationGraph accumulated = train(5, sizes, true);
        assertSameParameters(big, accumulated);
        double moved = big.params().sub(tinyModel().params()).amaxNumber().doubleValue();
        assertTrue(moved > 1e-3, "the updates changed the parameters (" + moved + ")");
    }

    /** An epoch's last update may take a short micro-batch: still the mean over its examples. */
    @Test
    void unevenLastMicroBatchStillGivesTheMeanOverAllExamples() {
        int[] sizes = {8, 8, 8, 6};
        assertSameParameters(train(3, sizes, false), train(3, sizes, true));
    }

    /** Without folding the earlier micro-batches in, the result is the last micro-batch's update: detectably not equal. */
    @Test
    void theLastMicroBatchAloneDiffers() {
        ComputationGraph big = train(3, new int[] {8, 8, 8, 8}, false);
        ComputationGraph lastOnly = tinyModel();
        for (int u = 0; u < 3; u++) {
            lastOnly.fit(batch(8, 100L * u + 3));
        }
        double diff = big.params().sub(lastOnly.params()).amaxNumber().doubleValue();
        assertTrue(diff > 1e-4, "the comparison can tell one micro-batch from four (" + diff + ")");
    }

    /** A run counts updates, not batches: iterations and schedule, and a stop waits for the update to finish. */
    @Test
    void aRunMakesOneUpdatePerKBatchesAndStopsOnlyBetweenUpdates() throws IOException {
        SyntheticShapes.generate(dir.resolve("shapes"), 16, 24, 7); // 48 images: 5 batches of 8 per epoch
        ExperimentConfig config = TinyExperiments.config(dir, "accumulate", 2, "data.root=" + dir.resolve("shapes"),
                "train.accumulate=2");
        TrainResult whole;
        try (RunDirectory run = TestRuns.newRun(dir, config)) {
            whole = TestRuns.train(config, new StopSignal(), null, run);
        }
        assertEquals(TrainResult.Status.COMPLETED, whole.status());
        ComputationGraph model = ModelSerializer.restoreComputationGraph(
                whole.runDirectory().resolve("checkpoints/last.zip").toFile(), false);
        int batches = batchesPerEpoch(config, whole);
        assertEquals(2 * ((batches + 1) / 2), model.getIterationCount(), "ceil(" + batches + " / 2) updates per epoch");

        TrainResult stopped;
        try (RunDirectory run = TestRuns.newRun(dir, config)) {
            stopped = TestRuns.train(config, StopSignal.afterBatches(3), null, run);
        }
        assertEquals(TrainResult.Status.INTERRUPTED, stopped.status());
        assertTrue(stopped.message().contains("after batch 4 of epoch 1"), stopped.message());
    }

    private static int batchesPerEpoch(ExperimentConfig config, TrainResult result) {
        long images = result.history().get(0).trainImages();
        return (int) ((images + config.train().batchSize() - 1) / config.train().batchSize());
    }
}
