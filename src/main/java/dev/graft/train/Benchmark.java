package dev.graft.train;

import dev.graft.backbone.BackboneLoader;
import dev.graft.config.ExperimentConfig;
import dev.graft.data.DataPipeline;
import dev.graft.data.ImageBatchIterator;
import dev.graft.model.HeadSpec;
import dev.graft.model.InferenceGraph;
import dev.graft.run.StartupClock;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code graft bench}: throughput of one workload of an experiment config, measured after warm-up batches.
 * {@code infer}: forward passes of the assembled model; {@code train}: training steps with the config's
 * freezing (random tensors, so only the model is measured); {@code data}: the image pipeline alone
 * (decode, augment, normalise). Prints images/s, ms/batch, the process's peak resident memory and the CPU time
 * the process used per batch (all threads): on a machine shared with other work, wall time moves with the load
 * while CPU time at one thread ({@code OMP_NUM_THREADS=1}) stays close to the work done, which makes it the
 * steadier figure for comparing two builds.
 */
public final class Benchmark {
    /** What to measure. */
    public enum Mode { INFER, TRAIN, DATA }

    /** Runs inference on one batch of normalised NCHW images (an engine under test). */
    public interface Forward {
        void run(INDArray images);
    }

    /**
     * Wall-clock and process CPU seconds of the timed batches, and when the first (warm-up) batch ended, in
     * seconds since the process started (the command's start-up; see {@link StartupClock}).
     */
    public record Timing(double seconds, double cpuSeconds, double firstBatchSeconds) {
    }

    /** One measurement. {@code engine}: what ran the model ({@code dl4j}, {@code onnx}; {@code -} for data). */
    public record Result(Mode mode, String engine, String arch, int imageSize, int batchSize, int batches,
                         long images, Timing timing, long peakRssBytes, String frozen) {
        public double seconds() {
            return timing.seconds();
        }

        public double imagesPerSecond() {
            return images / seconds();
        }

        public double msPerBatch() {
            return 1000 * seconds() / batches;
        }

        public String line() {
            return String.format(Locale.ROOT, "%-5s %-4s %-15s %4d px  batch %3d  frozen %-28s %8.1f images/s  %8.1f "
                            + "ms/batch  peak RSS %5.0f MiB  CPU %8.1f ms/batch  first batch %.1f s after start",
                    mode.name().toLowerCase(Locale.ROOT), engine, arch, imageSize, batchSize, frozen, imagesPerSecond(),
                    msPerBatch(), peakRssBytes / 1048576.0, 1000 * timing.cpuSeconds() / batches,
                    timing.firstBatchSeconds());
        }
    }

    private Benchmark() {
    }

    public static Result run(ExperimentConfig config, Mode mode, int batches, int warmup) {
        int batch = config.train().batchSize();
        int size = config.imageSize();
        if (mode == Mode.DATA) {
            try (DataPipeline data = DataPipeline.open(config.data(), config.seed(), size,
                    InputNormalization.of(config.arch()))) {
                ImageBatchIterator it = data.train(batch);
                long[] images = {0};
                Timing timing = time(() -> {
                    if (!it.hasNext()) {
                        it.reset(); // next epoch
                    }
                    images[0] += it.next().numExamples();
                }, batches, warmup, () -> images[0] = 0);
                return new Result(mode, "-", config.arch().id(), size, batch, batches, images[0], timing, peakRss(),
                        "-");
            }
        }
        ComputationGraph model = model(config, warmup + batches);
        if (mode == Mode.INFER) {
            // What predict and serve run on the DL4J engine.
            ComputationGraph folded = InferenceGraph.fold(model);
            return infer(config, "dl4j", x -> folded.outputSingle(false, x), batches, warmup);
        }
        INDArray x = randomImages(config);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 10);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, i % 10, 1f);
        }
        DataSet ds = new DataSet(x, y);
        Runnable step = () -> model.fit(ds);
        String boundary = FeatureCache.boundary(config, model);
        if (boundary != null) { // as the trainer does: frozen front folded for inference, tail trained
            ComputationGraph front = InferenceGraph.fold(TailModel.front(model, boundary));
            ComputationGraph tail = TailModel.of(model, boundary).graph();
            step = () -> tail.fit(new DataSet(front.outputSingle(false, x), y));
        }
        Timing timing = time(step, batches, warmup, () -> { });
        return new Result(mode, "dl4j", config.arch().id(), size, batch, batches, (long) batches * batch, timing,
                peakRss(), frozenStages(config));
    }

    /** Forward passes of {@code engine} on random batches of the config's size. */
    public static Result infer(ExperimentConfig config, String engine, Forward forward, int batches, int warmup) {
        int batch = config.train().batchSize();
        int size = config.imageSize();
        INDArray x = randomImages(config);
        Timing timing = time(() -> forward.run(x), batches, warmup, () -> { });
        return new Result(Mode.INFER, engine, config.arch().id(), size, batch, batches, (long) batches * batch, timing,
                peakRss(), frozenStages(config));
    }

    /** How long {@code batches} runs of {@code step} take after {@code warmup} untimed ones and then {@code reset}. */
    private static Timing time(Runnable step, int batches, int warmup, Runnable reset) {
        long cpuStart = 0;
        long start = 0;
        double firstBatch = Double.NaN;
        for (int i = 0; i < warmup + batches; i++) {
            if (i == warmup) {
                reset.run();
                cpuStart = processCpuNanos();
                start = System.nanoTime();
            }
            step.run();
            if (i == 0) {
                firstBatch = StartupClock.sinceStart(); // the command's start-up
            }
        }
        return new Timing((System.nanoTime() - start) / 1e9, (processCpuNanos() - cpuStart) / 1e9, firstBatch);
    }

    /** CPU time of this process, all threads (0 where the JVM cannot tell). */
    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }

    /** One batch of seeded random normalised images at the config's batch and image size. */
    private static INDArray randomImages(ExperimentConfig config) {
        Nd4j.getRandom().setSeed(config.seed());
        int size = config.imageSize();
        return Nd4j.randn(DataType.FLOAT, config.train().batchSize(), 3, size, size);
    }

    /**
     * The config's model as training assembles it (backbone with its weights and freezing, head for 10
     * classes), for a run of {@code steps} optimizer steps.
     */
    public static ComputationGraph model(ExperimentConfig config, int steps) {
        FreezePlan plan = new FreezePlan(config);
        StageTraining training = ModelRecipe.training(config, plan, 1, steps);
        return ModelRecipe.assemble(config, BackboneLoader.standard(), plan, training,
                new HeadSpec(config.head(), 10, null));
    }

    private static String frozenStages(ExperimentConfig config) {
        String frozen = String.join(",", new FreezePlan(config).frozenAt(1));
        return frozen.isEmpty() ? "none" : frozen;
    }

    /** Peak resident set size of this process (Linux VmHWM), or -1 where unknown. */
    public static long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String[] parts = line.trim().split("\\s+");
                    return Long.parseLong(parts[1]) * 1024;
                }
            }
        } catch (IOException | NumberFormatException | ArrayIndexOutOfBoundsException e) {
            return -1; // no /proc (not Linux) or a format this parser does not know
        }
        return -1;
    }
}
