package dev.graft.data;

import dev.graft.config.ConfigLoader;
import dev.graft.config.ExperimentConfig;
import org.deeplearning4j.datasets.iterator.AsyncDataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Prints how fast training batches come from Graft's {@link ImageBatchIterator} and from DL4J's
 * {@code RecordReaderDataSetIterator} over a {@link GraftRecordReader} (alone and behind DL4J's
 * {@link AsyncDataSetIterator}), for one experiment config; the README's iterator table comes from here:
 *
 * <pre>{@code
 * java -cp target/graft.jar dev.graft.data.IteratorBenchmark configs/quickstart.yaml 30 data.image_size=224
 * }</pre>
 *
 * Arguments: the config, the timed batches (after 3 warm-up ones), then {@code --set}-style overrides. Numbers
 * only; the machine's load moves them, so compare rows of one run.
 */
public final class IteratorBenchmark {
    private static final int WARMUP = 3;

    private IteratorBenchmark() {
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: IteratorBenchmark CONFIG [batches (default 30)] [key=value ...]");
            System.exit(2);
        }
        int batches = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        List<String> overrides = args.length > 2 ? Arrays.asList(args).subList(2, args.length) : List.of();
        ExperimentConfig config = new ConfigLoader().load(Path.of(args[0]), overrides);
        run(config, batches, System.out);
    }

    static void run(ExperimentConfig config, int batches, PrintStream out) {
        int batch = config.train().batchSize();
        try (DataPipeline data = DataPipeline.open(config.data(), config.head().problem(), config.seed(),
                config.imageSize(), Normalization.IMAGENET)) {
            out.printf(Locale.ROOT, "%s: %d train images, %d px, batch %d, %d decode threads, %d timed batches%n",
                    config.name(), data.dataset().entries(Split.TRAIN).size(), config.imageSize(), batch,
                    data.workers(), batches);
            time(out, "Graft ImageBatchIterator", data.train(batch), batches);
            time(out, "DL4J RecordReaderDataSetIterator(GraftRecordReader)",
                    GraftRecordReader.train(data, 0).dataSetIterator(batch), batches);
            time(out, "  + AsyncDataSetIterator (2 batches ahead)",
                    new AsyncDataSetIterator(GraftRecordReader.train(data, 0).dataSetIterator(batch), 2), batches);
            time(out, "Graft ImageBatchIterator again (warm JIT and file cache)", data.train(batch), batches);
        }
    }

    private static void time(PrintStream out, String name, DataSetIterator it, int batches) {
        for (int i = 0; i < WARMUP; i++) {
            next(it);
        }
        long images = 0;
        long cpuStart = processCpuNanos();
        long start = System.nanoTime();
        for (int i = 0; i < batches; i++) {
            images += next(it);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuMs = (processCpuNanos() - cpuStart) / 1e6;
        out.printf(Locale.ROOT, "%-58s %8.1f images/s  %7.1f ms/batch  CPU %7.1f ms/batch%n", name,
                images / seconds, 1000 * seconds / batches, cpuMs / batches);
        if (it instanceof AsyncDataSetIterator async) {
            async.shutdown();
        }
    }

    /**
     * The next batch's size, starting the next epoch when this one is used up. {@code hasNext()} comes before
     * every {@code next()}: DL4J's AsyncDataSetIterator hands out the batch its hasNext fetched.
     */
    private static int next(DataSetIterator it) {
        if (!it.hasNext()) {
            it.reset();
            if (!it.hasNext()) {
                throw new IllegalStateException("an epoch without batches");
            }
        }
        return it.next().numExamples();
    }

    /** CPU time of this process, all threads (0 where the JVM cannot tell). */
    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }
}
