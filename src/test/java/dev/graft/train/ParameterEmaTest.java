package dev.graft.train;

import dev.graft.config.EmaConfig;
import dev.graft.config.ExperimentConfig;
import dev.graft.data.SyntheticShapes;
import dev.graft.run.CheckpointFile;
import dev.graft.run.RunDirectory;
import dev.graft.testing.TinyExperiments;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code train.ema}: the average's arithmetic, and a run that validates, checkpoints and resumes it. */
class ParameterEmaTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void makeData() {
        SyntheticShapes.generate(dir.resolve("shapes"), 16, 24, 7);
    }

    private static ComputationGraph tinyModel() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.DOUBLE)
                .graphBuilder().addInputs("in")
                .addLayer("hidden", new DenseLayer.Builder().nIn(4).nOut(3).build(), "in")
                .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(3).nOut(2)
                        .activation(Activation.IDENTITY).build(), "hidden")
                .setOutputs("output").build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }

    /** After updates towards p1..pn from p0: d^n p0 + sum_t (1 - d) d^(n - t) p_t. */
    @Test
    void averageEqualsTheClosedFormOfAHandFedTrajectory() {
        double d = 0.9;
        ComputationGraph model = tinyModel();
        INDArray p0 = model.params().dup();
        ParameterEma ema = ParameterEma.of(model, new EmaConfig(d, false));
        int n = 7;
        INDArray expected = p0.mul(Math.pow(d, n));
        for (int t = 1; t <= n; t++) {
            INDArray pt = Nd4j.rand(DataType.DOUBLE, p0.shape()).muli(t); // a parameter trajectory, fed by hand
            model.params().assign(pt);
            ema.update(model, t - 1);
            expected.addi(pt.mul((1 - d) * Math.pow(d, n - t)));
        }
        double diff = ema.values().sub(expected).amaxNumber().doubleValue();
        assertTrue(diff < 1e-12, "max abs difference from the closed form " + diff);
    }

    /**
     * With warm-up, update t (0-based) uses min(decay, (1 + t) / (10 + t)): 0.1 first, so the first update moves
     * the average 90% of the way to the weights; the configured decay once the ramp passes it.
     */
    @Test
    void warmupRampsTheDecayUpToTheConfiguredOne() {
        EmaConfig ema = new EmaConfig(0.99, true);
        assertEquals(0.1, ema.decayAt(0), 1e-15);
        assertEquals(0.5, ema.decayAt(8), 1e-15);
        assertEquals(0.99, ema.decayAt(891), 1e-15, "(1 + 891) / (10 + 891) > 0.99");
        assertEquals(0.99, new EmaConfig(0.99, false).decayAt(0), 1e-15, "no warm-up: the decay from the start");

        ComputationGraph model = tinyModel();
        INDArray p0 = model.params().dup();
        ParameterEma average = ParameterEma.of(model, ema);
        INDArray p1 = p0.add(1.0);
        model.params().assign(p1);
        average.update(model, 0);
        double moved = average.values().sub(p0).meanNumber().doubleValue();
        assertEquals(0.9, moved, 1e-12, "the first update moves the average 90% of the way");
    }

    /** A constant sequence is a fixed point; swapping in and out leaves the raw weights untouched. */
    @Test
    void swapPutsTheAverageInAndTheRawWeightsBack() {
        ComputationGraph model = tinyModel();
        ParameterEma ema = ParameterEma.of(model, new EmaConfig(0.5, false));
        INDArray start = model.params().dup();
        ema.update(model, 0);
        assertEquals(start, ema.values(), "constant parameters: the average stays put");
        model.params().addi(2.0);
        ema.update(model, 1); // average = start + 1
        INDArray raw = model.params().dup();
        try (ParameterEma.Swap swap = ema.swapInto(model)) {
            assertTrue(model.params().equalsWithEps(start.add(1.0), 1e-12), "the average is in place");
        }
        assertEquals(raw, model.params(), "the raw weights are back");
    }

    private static ExperimentConfig config(String name, String... extra) throws IOException {
        List<String> settings = new java.util.ArrayList<>(List.of("data.root=" + dir.resolve("shapes"),
                "train.ema.decay=0.6"));
        settings.addAll(List.of(extra));
        return TinyExperiments.config(dir, name, 1, settings.toArray(String[]::new));
    }

    @Test
    void runValidatesTheAverageNextToTheRawWeightsAndResumesExactly() throws IOException {
        ExperimentConfig config = config("ema");
        TrainResult whole;
        try (RunDirectory run = TestRuns.newRun(dir, config)) {
            whole = TestRuns.train(config, new StopSignal(), null, run);
        }
        assertEquals(TrainResult.Status.COMPLETED, whole.status());
        Path last = whole.runDirectory().resolve("checkpoints/last.zip");
        INDArray average = CheckpointFile.readAverage(last);
        ComputationGraph raw = CheckpointFile.readModel(last, false);
        assertTrue(average != null && average.length() == raw.params().length(), "last.zip carries the average");
        assertTrue(average.sub(raw.params()).amaxNumber().doubleValue() > 1e-4, "the average is not the weights");
        assertEquals(average, CheckpointFile.readInferenceModel(last).params(), "prediction uses the average");
        List<String> csv = Files.readAllLines(whole.runDirectory().resolve("metrics.csv"));
        assertTrue(csv.get(0).endsWith(",raw_val_loss,raw_val_top1"), csv.get(0));
        for (EpochRecord r : whole.history()) {
            double rawLoss = r.metric(EpochRecord.RAW_VAL_LOSS);
            assertTrue(Double.isFinite(rawLoss) && Math.abs(rawLoss - r.valLoss()) > 1e-6,
                    "epoch " + r.epoch() + ": val_loss (average) " + r.valLoss() + " vs raw " + rawLoss);
        }

        Path runPath;
        try (RunDirectory run = TestRuns.newRun(dir, config)) {
            runPath = run.path();
            assertEquals(TrainResult.Status.INTERRUPTED,
                    TestRuns.train(config, StopSignal.afterBatches(3), null, run).status());
        }
        TrainResult resumed;
        try (RunDirectory run = RunDirectory.open(runPath)) {
            resumed = TestRuns.train(config, new StopSignal(), runPath.resolve("checkpoints/last.zip"), run);
        }
        assertEquals(TrainResult.Status.COMPLETED, resumed.status());
        double diff = CheckpointFile.readAverage(runPath.resolve("checkpoints/last.zip")).sub(average)
                .amaxNumber().doubleValue();
        assertTrue(diff < 1e-5, "resumed average equals the uninterrupted one (max abs diff " + diff + ")");
        for (int i = 0; i < whole.history().size(); i++) {
            assertEquals(whole.history().get(i).valLoss(), resumed.history().get(i).valLoss(), 1e-5);
        }
    }
}
