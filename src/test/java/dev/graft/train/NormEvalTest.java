package dev.graft.train;

import dev.graft.backbone.layers.DirectBatchNormalizationLayer;
import dev.graft.config.ExperimentConfig;
import dev.graft.data.SyntheticShapes;
import dev.graft.run.CheckpointFile;
import dev.graft.run.RunDirectory;
import dev.graft.testing.TinyExperiments;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code backbone.norm_eval}: BatchNorm of trainable stages normalises with, and keeps, its running statistics. */
class NormEvalTest {
    @TempDir
    Path dir;

    /** conv -> BatchNorm (norm_eval) -> average pool -> softmax, in double precision for a gradient check. */
    private static ComputationGraph convBnGraph(CNN2DFormat format) {
        DirectBatchNormalizationLayer bn = DirectBatchNormalizationLayer.of(new BatchNormalization.Builder()
                .eps(1e-5).useLogStd(false).activation(Activation.IDENTITY).dataFormat(format).build());
        bn.setNormEval(true);
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(2).dataType(DataType.DOUBLE)
                .updater(new NoOp()).graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(4, 4, 2, format))
                .addLayer("conv", new ConvolutionLayer.Builder(2, 2).nOut(3).dataFormat(format)
                        .activation(Activation.TANH).build(), "in")
                .addLayer("bn", bn, "conv")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "bn")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        // Running statistics unlike the batch's, so using them (not the batch's) shows in the gradient.
        graph.getParam("bn_mean").assign(Nd4j.createFromArray(0.3, -0.2, 0.1));
        graph.getParam("bn_var").assign(Nd4j.createFromArray(2.0, 0.5, 1.5));
        graph.getParam("bn_gamma").assign(Nd4j.createFromArray(1.5, 0.7, -0.4));
        graph.getParam("bn_beta").assign(Nd4j.createFromArray(0.1, 0.2, -0.3));
        return graph;
    }

    @ParameterizedTest
    @EnumSource(CNN2DFormat.class)
    void backpropMatchesFiniteDifferences(CNN2DFormat format) {
        ComputationGraph graph = convBnGraph(format);
        Nd4j.getRandom().setSeed(4);
        long[] shape = format == CNN2DFormat.NCHW ? new long[] {5, 2, 4, 4} : new long[] {5, 4, 4, 2};
        INDArray x = Nd4j.rand(DataType.DOUBLE, shape).subi(0.5).muli(3);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 5, 2);
        for (int i = 0; i < 5; i++) {
            y.putScalar(i, i % 2, 1.0);
        }
        DataType before = Nd4j.dataType();
        DataType beforeFloat = Nd4j.defaultFloatingPointType();
        boolean ok;
        try {
            Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE); // GradientCheckUtil insists
            ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(graph)
                    .inputs(new INDArray[] {x}).labels(new INDArray[] {y}).epsilon(1e-6).maxRelError(1e-5)
                    .minAbsoluteError(1e-9).excludeParams(Set.of("bn_mean", "bn_var")));
        } finally {
            Nd4j.setDefaultDataTypes(before, beforeFloat);
        }
        assertTrue(ok, "analytic gradients (gamma, beta, and through BatchNorm to the convolution) match");
        // The forward pass in training used the running statistics: the same output as inference.
        graph.setInputs(x);
        INDArray training = graph.feedForward(true).get("bn");
        INDArray inference = graph.feedForward(false).get("bn");
        assertTrue(training.equalsWithEps(inference, 1e-12), "training mode normalises as inference does");
    }

    private ExperimentConfig config(String name, boolean normEval) throws IOException {
        return TinyExperiments.config(dir, name, 1, "data.root=" + dir.resolve("shapes"),
                "backbone.norm_eval=" + normEval, "head.dropout=0");
    }

    @Test
    void trainingKeepsRunningStatisticsWhileConvolutionsLearn() throws IOException {
        SyntheticShapes.generate(dir.resolve("shapes"), 12, 24, 7);
        ExperimentConfig config = config("norm-eval", true);
        ComputationGraph trained = trainedModel(config);
        ComputationGraph initial = ModelRecipe.assemble(config, dev.graft.backbone.BackboneLoader.standard(),
                new FreezePlan(config), ModelRecipe.training(config, new FreezePlan(config), 1, 5),
                new dev.graft.model.HeadSpec(config.head(), 3, null));
        int stats = 0;
        double convChange = 0;
        for (Map.Entry<String, INDArray> p : initial.paramTable().entrySet()) {
            String key = p.getKey();
            INDArray after = trained.getParam(key);
            if (key.endsWith("_mean") || key.endsWith("_var")) {
                assertEquals(p.getValue(), after, key + " (running statistic) unchanged");
                stats++;
            } else if (key.endsWith("_W") && key.startsWith("stage")) {
                convChange = Math.max(convChange, p.getValue().sub(after).amaxNumber().doubleValue());
            }
        }
        assertTrue(stats >= 10, "running statistics compared: " + stats);
        assertTrue(convChange > 1e-4, "the convolutions trained (max change " + convChange + ")");
        assertTrue(trained.getConfiguration().toJson().contains("\"normEval\" : true"),
                "the flag is saved with the model's configuration");

        // The control: without norm_eval the same run moves the running statistics.
        ComputationGraph plain = trainedModel(config("plain", false));
        double moved = 0;
        for (Map.Entry<String, INDArray> p : initial.paramTable().entrySet()) {
            if (p.getKey().endsWith("_mean")) {
                moved = Math.max(moved, p.getValue().sub(plain.getParam(p.getKey())).amaxNumber().doubleValue());
            }
        }
        assertTrue(moved > 1e-4, "without norm_eval training updates running means (" + moved + ")");
    }

    private ComputationGraph trainedModel(ExperimentConfig config) {
        TrainResult result;
        try (RunDirectory run = TestRuns.newRun(dir, config)) {
            result = TestRuns.train(config, new StopSignal(), null, run);
        }
        assertEquals(TrainResult.Status.COMPLETED, result.status());
        return CheckpointFile.readModel(result.runDirectory().resolve("checkpoints/last.zip"), false);
    }
}
