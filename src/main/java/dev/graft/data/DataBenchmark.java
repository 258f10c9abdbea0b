package dev.graft.data;

import dev.graft.config.ConfigLoader;
import dev.graft.config.ExperimentConfig;
import org.datavec.api.io.labels.ParentPathLabelGenerator;
import org.datavec.api.split.FileSplit;
import org.datavec.image.recordreader.ImageRecordReader;
import org.datavec.image.transform.FlipImageTransform;
import org.datavec.image.transform.ImageTransform;
import org.datavec.image.transform.PipelineImageTransform;
import org.datavec.image.transform.RandomCropTransform;
import org.deeplearning4j.datasets.datavec.RecordReaderDataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.preprocessor.VGG16ImagePreProcessor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * Throughput of decode + augment + normalise (no model), in images per second:
 * <pre>java -cp target/graft.jar:target/lib/* dev.graft.data.DataBenchmark [DATASET] [--workers N] [--size S]
 *     [--epochs E] [--datavec]</pre>
 * DATASET is a folder with train/ and val/ class folders (default {@code ../shared/datasets/hymenoptera}).
 * {@code --datavec} also times DataVec's own ImageRecordReader stack with similar transforms, for comparison.
 */
public final class DataBenchmark {
    private DataBenchmark() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path dataset = Path.of("..", "shared", "datasets", "hymenoptera");
        int workers = 0;
        int size = 224;
        int epochs = 3;
        boolean datavec = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--workers" -> workers = Integer.parseInt(args[++i]);
                case "--size" -> size = Integer.parseInt(args[++i]);
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--datavec" -> datavec = true;
                default -> dataset = Path.of(args[i]);
            }
        }
        String yaml = String.format(Locale.ROOT, "name: bench%nbackbone: {arch: resnet50, weights: none}%n"
                + "data:%n  train: %s%n  val: %s%n  image_size: %d%n  workers: %d%n"
                + "  augment: [random_resized_crop, hflip, {color_jitter: {brightness: 0.2, contrast: 0.2,"
                + " saturation: 0.2}}]%n", dataset.resolve("train").toAbsolutePath(),
                dataset.resolve("val").toAbsolutePath(), size, workers);
        Path file = Files.createTempFile("graft-bench", ".yaml");
        Files.writeString(file, yaml);
        ExperimentConfig config = new ConfigLoader().load(file);
        Files.delete(file);
        System.out.println("cores " + Runtime.getRuntime().availableProcessors() + ", " + config.data().augment()
                .stream().map(a -> a.op()).toList() + ", " + size + " px");
        try (DataPipeline data = DataPipeline.open(config.data(), config.seed(), size, Normalization.IMAGENET)) {
            ImageBatchIterator train = data.train(32);
            drain(train); // warm-up: JIT, OpenCV and ND4J start-up, page cache
            long[] start = now();
            long images = 0;
            for (int e = 0; e < epochs; e++) {
                train.reset();
                images += drain(train);
            }
            report("graft train (" + data.workers() + " workers)", images, start);
            ImageBatchIterator val = data.eval(Split.VAL, 32);
            drain(val);
            start = now();
            images = 0;
            for (int e = 0; e < epochs; e++) {
                val.reset();
                images += drain(val);
            }
            report("graft eval  (" + data.workers() + " workers)", images, start);
        }
        if (datavec) {
            dataVecBaseline(dataset.resolve("train"), size, epochs);
        }
    }

    /**
     * DataVec's ImageRecordReader: one decode thread, random 128 px crop (the smallest hymenoptera image is
     * 130 px high) + flip, resized to size, VGG-style mean subtraction; GIFs excluded by extension.
     */
    private static void dataVecBaseline(Path train, int size, int epochs) throws IOException {
        ImageTransform transform = new PipelineImageTransform(42L, false,
                new RandomCropTransform(42, 128, 128), new FlipImageTransform(new Random(42)));
        try (ImageRecordReader reader = new ImageRecordReader(size, size, 3, new ParentPathLabelGenerator(), transform)) {
            reader.initialize(new FileSplit(train.toFile(), new String[] {"jpg", "jpeg"}, new Random(42)));
            DataSetIterator it = new RecordReaderDataSetIterator(reader, 32, 1, 2);
            it.setPreProcessor(new VGG16ImagePreProcessor());
            drain(it);
            long[] start = now();
            long images = 0;
            for (int e = 0; e < epochs; e++) {
                it.reset();
                images += drain(it);
            }
            report("datavec ImageRecordReader (1 thread)", images, start);
        }
    }

    private static long drain(DataSetIterator it) {
        long n = 0;
        while (it.hasNext()) {
            n += it.next().numExamples();
        }
        return n;
    }

    /** Wall-clock and process CPU time, in nanoseconds. */
    private static long[] now() {
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        return new long[] {System.nanoTime(), os.getProcessCpuTime()};
    }

    /**
     * Prints images/s, and images per CPU-second: on a busy machine wall-clock rates drop, while the CPU cost
     * per image stays put (images/s on N idle cores is at most N times the per-CPU-second figure).
     */
    private static void report(String what, long images, long[] start) {
        long[] end = now();
        double seconds = (end[0] - start[0]) / 1e9;
        double cpu = (end[1] - start[1]) / 1e9;
        System.out.printf(Locale.ROOT, "%-40s %6d images in %6.2f s = %7.1f images/s (%.1f per CPU-second)%n",
                what, images, seconds, images / seconds, images / cpu);
    }
}
