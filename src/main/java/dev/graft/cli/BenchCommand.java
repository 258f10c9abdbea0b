package dev.graft.cli;

import dev.graft.GraftException;
import dev.graft.config.ExperimentConfig;
import dev.graft.export.Classifier;
import dev.graft.export.OnnxForward;
import dev.graft.run.NativeBackend;
import dev.graft.train.Benchmark;
import org.deeplearning4j.nn.graph.ComputationGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code graft bench}: images/s, ms/batch and peak memory of an experiment's inference, training or data. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure one workload of an experiment config: infer, train or data.",
                "infer: forward passes; train: training steps with the config's freezing, on random tensors; "
                        + "data: the image pipeline alone."})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ExperimentOptions experimentFile;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "train",
            description = "infer, train or data (default: ${DEFAULT-VALUE}).")
    Benchmark.Mode mode;

    @Option(names = "--batches", paramLabel = "N", defaultValue = "10", description = "Timed batches.")
    int batches;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "5",
            description = "Untimed batches first (DL4J sizes its memory workspaces over the first few).")
    int warmup;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "dl4j",
            description = "infer only: dl4j (BatchNorm folded, as predict/serve run it) or onnx (the exported "
                    + "model on ONNX Runtime). Default: ${DEFAULT-VALUE}.")
    Classifier.Engine engine;

    @Override
    public Integer call() {
        ExperimentConfig experiment = experimentFile.load();
        if (engine == Classifier.Engine.ONNX && mode != Benchmark.Mode.INFER) {
            throw GraftException.usage("--engine onnx measures inference only; add --mode infer");
        }
        spec.commandLine().getOut().println("# " + NativeBackend.info().summary());
        Benchmark.Result result;
        if (engine == Classifier.Engine.ONNX) {
            ComputationGraph model = Benchmark.model(experiment, 1);
            try (OnnxForward onnx = OnnxForward.of(model, experiment.imageSize())) {
                result = Benchmark.infer(experiment, "onnx", onnx::run, batches, warmup);
            }
        } else {
            result = Benchmark.run(experiment, mode, batches, warmup);
        }
        spec.commandLine().getOut().println(result.line());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
