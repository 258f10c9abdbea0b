package dev.graft.data;

import org.bytedeco.opencv.opencv_core.Mat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * CPU cost of one augmentation op on a 224 px image, per image on one thread (thread CPU time, so other load on
 * the machine changes it little), next to the ops that were there before issue 21. Not a test (surefire does not
 * pick it up); run it from the build's test class path:
 * <pre>java -cp target/test-classes:target/classes:$(cat target/bench-cp.txt) dev.graft.data.AugmentBenchmark</pre>
 */
public final class AugmentBenchmark {
    private AugmentBenchmark() {
    }

    public static void main(String[] args) {
        int size = 224;
        int images = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        byte[] bytes = new byte[size * size * 3];
        new Random(1).nextBytes(bytes);
        List<AugmentOp> ops = List.of(AugmentOp.HFlip.defaults(), AugmentOp.ColorJitter.defaults(),
                AugmentOp.Rotate.defaults(), AugmentOp.GaussianBlur.defaults(), AugmentOp.RandAugment.defaults(),
                new AugmentOp.RandAugment(3, 15), AugmentOp.TrivialAugment.defaults(),
                new AugmentOp.RandomErasing(1.0, List.of(0.02, 0.33), List.of(0.3, 3.3), "random"),
                new AugmentOp.RandomErasing(1.0, List.of(0.02, 0.33), List.of(0.3, 3.3), "0"));
        org.bytedeco.opencv.global.opencv_core.setNumThreads(1); // all work on this thread, so its CPU time is all of it
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        try (Mat src = Pixels.image(bytes, size, size)) {
            for (AugmentOp op : ops) {
                run(op, src, size, images / 4); // warm-up
                long start = cpu.getCurrentThreadCpuTime();
                run(op, src, size, images);
                double ms = (cpu.getCurrentThreadCpuTime() - start) / 1e6 / images;
                System.out.printf(Locale.ROOT, "%-90s %7.3f ms/image CPU%n", op, ms);
            }
        }
    }

    private static void run(AugmentOp op, Mat src, int size, int images) {
        for (int i = 0; i < images; i++) {
            Mat out = op.apply(src, new Random(dev.graft.config.Seeds.derive(i, "bench")), size);
            if (out != src) {
                out.close();
            }
        }
    }
}
