package dev.graft.data;

import org.bytedeco.opencv.opencv_core.Mat;
import org.datavec.image.loader.NativeImageLoader;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Prints how fast Graft's decoder ({@link ImageDecoder}, OpenCV {@code imdecode}) and DataVec's
 * {@link NativeImageLoader} read a folder of images on one thread, decoded alone and decoded into a
 * {@code 3 x size x size} float tensor. The README's decoder table comes from here:
 *
 * <pre>{@code
 * java -cp target/graft.jar dev.graft.data.DecoderBenchmark ../shared/datasets/hymenoptera/train [passes] [size]
 * }</pre>
 *
 * Numbers only, no verdict: the machine's load moves them; run it idle and compare rows of one run. The CPU
 * column (the process's CPU time, all threads) moves less with load than the wall-clock rate.
 */
public final class DecoderBenchmark {
    private DecoderBenchmark() {
    }

    /** One way to read a file. */
    @FunctionalInterface
    private interface Reader {
        void read(ImageEntry entry) throws IOException;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: DecoderBenchmark FOLDER [passes (default 3)] [size (default 224)]");
            System.exit(2);
        }
        Path folder = Path.of(args[0]);
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 224;
        List<ImageEntry> images = images(folder);
        if (images.isEmpty()) {
            System.err.println("no readable image under " + folder);
            System.exit(1);
        }
        run(images, passes, size, System.out);
    }

    /**
     * Times each reader over {@code images}, {@code passes} times, on this thread, after one untimed pass of every
     * reader (so no row pays for JIT, native library loading or the file cache).
     */
    static void run(List<ImageEntry> images, int passes, int size, PrintStream out) throws IOException {
        SampleTransform eval = SampleTransform.eval(size, 0.875, Normalization.IMAGENET);
        int reduceTo = (int) Math.round(size / 0.875);
        NativeImageLoader sized = new NativeImageLoader(size, size, 3);
        NativeImageLoader native3 = new NativeImageLoader(-1, -1, 3);
        Map<String, Reader> readers = new LinkedHashMap<>();
        readers.put("Graft ImageDecoder, full size", e -> {
            try (Mat m = ImageDecoder.readBgr(e.path(), e.info(), 0)) {
                m.cols();
            }
        });
        readers.put("Graft ImageDecoder, JPEG DCT-reduced to >= " + reduceTo + " px (as the eval pipeline)", e -> {
            try (Mat m = ImageDecoder.readBgr(e.path(), e.info(), reduceTo)) {
                m.cols();
            }
        });
        readers.put("DataVec NativeImageLoader.asWritable, full size", e -> native3.asWritable(e.path().toFile()));
        readers.put("Graft file -> " + size + " px tensor (decode, resize, crop, normalise)",
                e -> eval.tensor(e, new Random(0)));
        readers.put("DataVec NativeImageLoader(" + size + ", " + size + ", 3).asMatrix (decode, resize)",
                e -> sized.asMatrix(e.path().toFile()));
        long bytes = images.stream().mapToLong(e -> e.info().bytes()).sum();
        out.printf(Locale.ROOT, "%d images, %.1f MB, %d timed passes, one thread%n", images.size(), bytes / 1e6,
                passes);
        for (Reader reader : readers.values()) {
            for (ImageEntry e : images) {
                reader.read(e);
            }
        }
        for (Map.Entry<String, Reader> r : readers.entrySet()) {
            time(out, r.getKey(), images, passes, r.getValue());
        }
    }

    private static void time(PrintStream out, String name, List<ImageEntry> images, int passes, Reader reader)
            throws IOException {
        long cpuStart = processCpuNanos();
        long start = System.nanoTime();
        for (int p = 0; p < passes; p++) {
            for (ImageEntry e : images) {
                reader.read(e);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int count = images.size() * passes;
        out.printf(Locale.ROOT, "%-78s %8.1f images/s  %6.2f ms/image  CPU %6.2f ms/image%n", name, count / seconds,
                1000 * seconds / count, (processCpuNanos() - cpuStart) / 1e6 / count);
    }

    /** CPU time of this process, all threads (0 where the JVM cannot tell). */
    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }

    /** Every file under {@code folder} the scan can read, sorted by path. */
    static List<ImageEntry> images(Path folder) throws IOException {
        List<ImageEntry> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                ImageProbe.Result r = ImageProbe.probe(f);
                if (r.readable()) {
                    out.add(new ImageEntry(f, 0, r.info()));
                }
            }
        }
        return out;
    }
}
