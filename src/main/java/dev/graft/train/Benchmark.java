package dev.graft.train;

import dev.graft.backbone.Backbone;
import dev.graft.backbone.BackboneLoader;
import dev.graft.config.ExperimentConfig;
import dev.graft.config.Seeds;
import dev.graft.data.DataPipeline;
import dev.graft.data.ImageBatchIterator;
import dev.graft.model.HeadSpec;
import dev.graft.model.InferenceGraph;
import dev.graft.model.ModelAssembler;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code graft bench}: throughput of one workload of an experiment config, measured after warm-up batches.
 * {@code infer}: forward passes of the assembled model; {@code train}: training steps with the config's
 * freezing (random tensors, so only the model is measured); {@code data}: the image pipeline alone
 * (decode, augment, normalise). Prints images/s, ms/batch and the process's peak resident memory.
 */
public final class Benchmark {
    /** What to measure. */
    public enum Mode { INFER, TRAIN, DATA }

    /** One measurement. */
    public record Result(Mode mode, String arch, int imageSize, int batchSize, int batches, long images,
                         double seconds, long peakRssBytes, String frozen) {
        public double imagesPerSecond() {
            return images / seconds;
        }

        public double msPerBatch() {
            return 1000 * seconds / batches;
        }

        public String line() {
            return String.format(Locale.ROOT, "%-5s %-15s %4d px  batch %3d  frozen %-28s %8.1f images/s  %8.1f ms/batch"
                            + "  peak RSS %5.0f MiB", mode.name().toLowerCase(Locale.ROOT), arch, imageSize, batchSize,
                    frozen, imagesPerSecond(), msPerBatch(), peakRssBytes / 1048576.0);
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
                long start = 0;
                long images = 0;
                for (int done = 0; done < warmup + batches; done++) {
                    if (!it.hasNext()) {
                        it.reset(); // next epoch
                    }
                    if (done == warmup) {
                        start = System.nanoTime();
                    }
                    int n = it.next().numExamples();
                    images += done >= warmup ? n : 0;
                }
                return new Result(mode, config.arch().id(), size, batch, batches, images,
                        (System.nanoTime() - start) / 1e9, peakRss(), "-");
            }
        }
        Backbone backbone = BackboneLoader.standard().withSeed(Seeds.derive(config.seed(), "backbone-init"))
                .load(config.arch(), config.backbone().weights());
        FreezePlan plan = new FreezePlan(config);
        StageTraining training = new StageTraining(config.train().optimizer(),
                LrSchedule.of(config.train().schedule(), config.train().optimizer().lr(), 1, 1, warmup + batches),
                plan.multipliers(), config.train().gradClip());
        ComputationGraph model = ModelAssembler.assemble(backbone, new HeadSpec(config.head(), 10, null),
                plan.frozenAt(1), training, 1);
        if (mode == Mode.INFER) {
            model = InferenceGraph.fold(model); // what predict and serve run
        }
        Nd4j.getRandom().setSeed(config.seed());
        INDArray x = Nd4j.randn(DataType.FLOAT, batch, 3, size, size);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 10);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, i % 10, 1f);
        }
        DataSet ds = new DataSet(x, y);
        long start = 0;
        for (int i = 0; i < warmup + batches; i++) {
            if (i == warmup) {
                start = System.nanoTime();
            }
            if (mode == Mode.TRAIN) {
                model.fit(ds);
            } else {
                model.outputSingle(false, x);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String frozen = String.join(",", plan.frozenAt(1));
        return new Result(mode, config.arch().id(), size, batch, batches, (long) batches * batch, seconds, peakRss(),
                frozen.isEmpty() ? "none" : frozen);
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
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
