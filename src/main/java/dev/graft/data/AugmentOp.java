package dev.graft.data;

import dev.graft.config.Augmentation;
import dev.graft.config.ConfigErrors;
import dev.graft.config.Doc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point2f;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REFLECT_101;
import static org.bytedeco.opencv.global.opencv_core.addWeighted;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_core.flip;
import static org.bytedeco.opencv.global.opencv_core.mean;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.getRotationMatrix2D;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

/**
 * Graft's augmentation ops, one record each, and each record is all there is to its op: YAML name, shorthand and
 * README sentence ({@link Augmentation.Op}), parameters ({@link Doc}), {@code defaults()}, {@code validate} and
 * the pixel work. To add an op, add a record here: config binds and checks it, the README tables list it (their
 * tests say when to regenerate), the pipeline runs it.
 *
 * <p>Semantics are torchvision's unless noted. Borders created by rotation and padding are reflected (OpenCV's
 * {@code BORDER_REFLECT_101}) rather than black, so the network does not learn "black corner = augmented".
 * Ops work on 8-bit BGR {@link Mat}s, return {@code src} itself when they leave the image as it is (else a new Mat
 * the caller owns), never close {@code src}, and draw all randomness from {@code rng}, which is seeded per sample:
 * they are stateless and safe to share between threads. Changing the order of draws changes every run's images.
 */
public sealed interface AugmentOp extends Augmentation {

    /** Transforms one image; {@code size} is the network input size. */
    Mat apply(Mat src, Random rng, int size);

    /**
     * For an op that crops and resizes to the input size itself (so it runs on the decoded image, before the
     * evaluation geometry): the smallest area fraction it crops. 0 for every other op.
     */
    default double smallestCropArea() {
        return 0;
    }

    /**
     * The op records in declaration order (those under a shared shape such as {@link Flip} in its place),
     * registered in {@code META-INF/services} for {@link Augmentation#OPS}.
     */
    final class Catalog implements Augmentation.Catalog {
        @Override
        public List<Class<? extends Augmentation>> ops() {
            return records(AugmentOp.class).<Class<? extends Augmentation>>map(c -> c.asSubclass(Augmentation.class))
                    .toList();
        }

        private static Stream<Class<?>> records(Class<?> sealed) {
            return Arrays.stream(sealed.getPermittedSubclasses()).flatMap(c -> c.isRecord() ? Stream.of(c) : records(c));
        }
    }

    @Op(name = "random_resized_crop",
            doc = "Crop a random area (fraction `scale` of the image, aspect `ratio`) and resize it to image_size")
    record RandomResizedCrop(@Doc("Area fraction range [min, max]") List<Double> scale,
                             @Doc("Aspect ratio range [min, max]") List<Double> ratio) implements AugmentOp {
        public static RandomResizedCrop defaults() {
            return new RandomResizedCrop(List.of(0.08, 1.0), List.of(0.75, 4.0 / 3.0));
        }

        @Override
        public void validate(String path, ConfigErrors errors) {
            if (errors.check(scale.size() == 2, path + ".scale", "must be [min, max]")) {
                errors.check(scale.get(0) > 0 && scale.get(0) <= scale.get(1) && scale.get(1) <= 1,
                        path + ".scale", "must satisfy 0 < min <= max <= 1 (was " + scale + ")");
            }
            if (errors.check(ratio.size() == 2, path + ".ratio", "must be [min, max]")) {
                errors.check(ratio.get(0) > 0 && ratio.get(0) <= ratio.get(1), path + ".ratio",
                        "must satisfy 0 < min <= max (was " + ratio + ")");
            }
        }

        @Override
        public double smallestCropArea() {
            return scale.get(0);
        }

        /**
         * torchvision's RandomResizedCrop: up to 10 tries to draw an area fraction in {@code scale} and a
         * log-uniform aspect ratio in {@code ratio} that fit, else a centre crop clamped to the ratio range;
         * resized to size x size.
         */
        @Override
        public Mat apply(Mat src, Random rng, int size) {
            int w = src.cols();
            int h = src.rows();
            double area = (double) w * h;
            double logLow = Math.log(ratio.get(0));
            double logHigh = Math.log(ratio.get(1));
            for (int attempt = 0; attempt < 10; attempt++) {
                double target = area * uniform(rng, scale.get(0), scale.get(1));
                double aspect = Math.exp(uniform(rng, logLow, logHigh));
                int cw = (int) Math.round(Math.sqrt(target * aspect));
                int ch = (int) Math.round(Math.sqrt(target / aspect));
                if (cw > 0 && ch > 0 && cw <= w && ch <= h) {
                    int y = rng.nextInt(h - ch + 1);
                    int x = rng.nextInt(w - cw + 1);
                    return Geometry.resizeRegion(src, x, y, cw, ch, size, size);
                }
            }
            return centreCrop(src, size);
        }

        private Mat centreCrop(Mat src, int size) {
            int w = src.cols();
            int h = src.rows();
            double inRatio = (double) w / h;
            int cw = w;
            int ch = h;
            if (inRatio < ratio.get(0)) {
                ch = Math.max(1, (int) Math.round(w / ratio.get(0)));
            } else if (inRatio > ratio.get(1)) {
                cw = Math.max(1, (int) Math.round(h * ratio.get(1)));
            }
            return Geometry.resizeRegion(src, (w - cw) / 2, (h - ch) / 2, cw, ch, size, size);
        }
    }

    /** Mirror about one axis with probability p: the shape {@code hflip} and {@code vflip} share. */
    sealed interface Flip extends AugmentOp {
        double p();

        /** OpenCV's flip code: 1 mirrors left-right, 0 top-bottom. */
        int axis();

        @Override
        default void validate(String path, ConfigErrors errors) {
            errors.probability(path + ".p", p());
        }

        @Override
        default Mat apply(Mat src, Random rng, int size) {
            return rng.nextDouble() < p() ? flipped(src, axis()) : src;
        }
    }

    @Op(name = "hflip", shorthand = "p", doc = "Mirror left-right with probability p")
    record HFlip(@Doc("Probability") double p) implements Flip {
        public static HFlip defaults() {
            return new HFlip(0.5);
        }

        @Override
        public int axis() {
            return 1;
        }
    }

    @Op(name = "vflip", shorthand = "p", doc = "Mirror top-bottom with probability p")
    record VFlip(@Doc("Probability") double p) implements Flip {
        public static VFlip defaults() {
            return new VFlip(0.5);
        }

        @Override
        public int axis() {
            return 0;
        }
    }

    @Op(name = "rotate", shorthand = "degrees",
            doc = "Rotate by a uniform angle in [-degrees, degrees] (counter-clockwise positive), borders reflected")
    record Rotate(@Doc("Maximum angle either way") double degrees) implements AugmentOp {
        public static Rotate defaults() {
            return new Rotate(15);
        }

        @Override
        public void validate(String path, ConfigErrors errors) {
            errors.check(degrees > 0 && degrees <= 180, path + ".degrees",
                    "must be in (0, 180] (was " + ConfigErrors.fmt(degrees) + ")");
        }

        @Override
        public Mat apply(Mat src, Random rng, int size) {
            return rotated(src, uniform(rng, -degrees, degrees));
        }

        /** Rotates about the centre by {@code angle} degrees, counter-clockwise as seen on screen. */
        static Mat rotated(Mat src, double angle) {
            Mat dst = new Mat();
            try (Point2f centre = new Point2f((src.cols() - 1) / 2f, (src.rows() - 1) / 2f);
                 Mat matrix = getRotationMatrix2D(centre, angle, 1.0);
                 Size size = src.size();
                 Scalar border = new Scalar(0.0)) {
                warpAffine(src, dst, matrix, size, INTER_LINEAR, BORDER_REFLECT_101, border);
            }
            return dst;
        }
    }

    @Op(name = "color_jitter",
            doc = "Brightness, contrast and saturation factors uniform in [max(0, 1-x), 1+x], applied in a random order")
    record ColorJitter(@Doc("Brightness factor range 1 +- x") double brightness,
                       @Doc("Contrast factor range 1 +- x") double contrast,
                       @Doc("Saturation factor range 1 +- x") double saturation) implements AugmentOp {
        public static ColorJitter defaults() {
            return new ColorJitter(0.2, 0.2, 0.2);
        }

        @Override
        public void validate(String path, ConfigErrors errors) {
            errors.inRange(path + ".brightness", brightness, 0, 1);
            errors.inRange(path + ".contrast", contrast, 0, 1);
            errors.inRange(path + ".saturation", saturation, 0, 1);
        }

        @Override
        public Mat apply(Mat src, Random rng, int size) {
            int[] order = {0, 1, 2};
            SampleOrder.shuffle(order, rng);
            Mat current = src;
            for (int step : order) {
                double amount = step == 0 ? brightness : step == 1 ? contrast : saturation;
                if (amount <= 0) {
                    continue;
                }
                Mat next = adjusted(current, step, uniform(rng, Math.max(0, 1 - amount), 1 + amount));
                if (current != src) {
                    current.close();
                }
                current = next;
            }
            return current;
        }

        /** Step 0 scales brightness, 1 contrast (around the mean grey), 2 saturation (towards grey). */
        static Mat adjusted(Mat current, int step, double factor) {
            Mat next = new Mat();
            if (step == 0) {
                current.convertTo(next, -1, factor, 0);
            } else if (step == 1) {
                double grey;
                try (Mat g = new Mat(); Scalar m = mean(toGray(current, g))) {
                    grey = m.get(0);
                }
                current.convertTo(next, -1, factor, (1 - factor) * grey);
            } else {
                try (Mat g = new Mat(); Mat g3 = new Mat()) {
                    cvtColor(toGray(current, g), g3, COLOR_GRAY2BGR);
                    addWeighted(current, factor, g3, 1 - factor, 0, next);
                }
            }
            return next;
        }
    }

    @Op(name = "random_crop", shorthand = "padding",
            doc = "Pad by `padding` pixels (reflect) and crop back to the original size at a random offset")
    record RandomCrop(@Doc("Reflect-padding in pixels before cropping back") int padding) implements AugmentOp {
        public static RandomCrop defaults() {
            return new RandomCrop(4);
        }

        @Override
        public void validate(String path, ConfigErrors errors) {
            errors.nonNegative(path + ".padding", padding);
        }

        @Override
        public Mat apply(Mat src, Random rng, int size) {
            if (padding == 0) {
                return src;
            }
            int x = rng.nextInt(2 * padding + 1);
            int y = rng.nextInt(2 * padding + 1);
            try (Mat padded = new Mat()) {
                copyMakeBorder(src, padded, padding, padding, padding, padding, BORDER_REFLECT_101);
                return Geometry.region(padded, x, y, src.cols(), src.rows()).clone();
            }
        }
    }

    @Op(name = "grayscale", shorthand = "p", doc = "Convert to grey (kept as 3 equal channels) with probability p")
    record Grayscale(@Doc("Probability") double p) implements AugmentOp {
        public static Grayscale defaults() {
            return new Grayscale(0.1);
        }

        @Override
        public void validate(String path, ConfigErrors errors) {
            errors.probability(path + ".p", p);
        }

        @Override
        public Mat apply(Mat src, Random rng, int size) {
            return rng.nextDouble() < p ? grey(src) : src;
        }

        private static Mat grey(Mat src) {
            Mat dst = new Mat();
            try (Mat g = new Mat()) {
                cvtColor(toGray(src, g), dst, COLOR_GRAY2BGR);
            }
            return dst;
        }
    }

    @Op(name = "gaussian_blur", doc = "Gaussian blur with sigma uniform in [min, max] (kernel +-3 sigma), with probability p")
    record GaussianBlur(@Doc("Sigma range [min, max] in pixels") List<Double> sigma,
                        @Doc("Probability") double p) implements AugmentOp {
        public static GaussianBlur defaults() {
            return new GaussianBlur(List.of(0.1, 2.0), 0.5);
        }

        @Override
        public void validate(String path, ConfigErrors errors) {
            if (errors.check(sigma.size() == 2, path + ".sigma", "must be [min, max]")) {
                errors.check(sigma.get(0) > 0 && sigma.get(0) <= sigma.get(1), path + ".sigma",
                        "must satisfy 0 < min <= max (was " + sigma + ")");
            }
            errors.probability(path + ".p", p);
        }

        @Override
        public Mat apply(Mat src, Random rng, int size) {
            return rng.nextDouble() < p ? blurred(src, uniform(rng, sigma.get(0), sigma.get(1))) : src;
        }

        private static Mat blurred(Mat src, double sigma) {
            Mat dst = new Mat();
            try (Size auto = new Size(0, 0)) {
                org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur(src, dst, auto, sigma);
            }
            return dst;
        }
    }

    @Op(name = "randaugment", doc = "RandAugment (Cubuk et al. 2020, torchvision's): n ops drawn uniformly from 14 "
            + "(identity, shear, translate, rotate, brightness, colour, contrast, sharpness, posterize, solarize, "
            + "autocontrast, equalize), each at magnitude m of 0..30 with a random sign (timm's m of 0..10 is 3x "
            + "smaller: rand-m9 is m 27 here)")
    record RandAugment(@Doc("Ops applied per image") int n,
                       @Doc("Magnitude, 0..30 (torchvision's scale; 9 is its default)") int m) implements AugmentOp {
        public static RandAugment defaults() {
            return new RandAugment(2, 9);
        }

        @Override
        public void validate(String path, ConfigErrors errors) {
            errors.check(n >= 1 && n <= 10, path + ".n", "must be in [1, 10] (was " + n + ")");
            errors.check(m >= 0 && m < PolicyOp.BINS, path + ".m", "must be in [0, 30] (was " + m + ")");
        }

        @Override
        public Mat apply(Mat src, Random rng, int size) {
            Mat current = src;
            for (int i = 0; i < n; i++) {
                PolicyOp op = PolicyOp.values()[rng.nextInt(PolicyOp.values().length)];
                Mat next = op.apply(current, signed(op, op.magnitude(m, false, current.cols(), current.rows()), rng));
                if (next != current && current != src) {
                    current.close();
                }
                current = next;
            }
            return current;
        }
    }

    @Op(name = "trivialaugment", doc = "TrivialAugmentWide (Mueller & Hutter 2021, torchvision's): one of the 14 "
            + "randaugment ops per image at a uniform magnitude bin of 0..30 of its wider ranges, random sign")
    record TrivialAugment() implements AugmentOp {
        public static TrivialAugment defaults() {
            return new TrivialAugment();
        }

        @Override
        public Mat apply(Mat src, Random rng, int size) {
            PolicyOp op = PolicyOp.values()[rng.nextInt(PolicyOp.values().length)];
            int bin = rng.nextInt(PolicyOp.BINS);
            return op.apply(src, signed(op, op.magnitude(bin, true, src.cols(), src.rows()), rng));
        }
    }

    @Op(name = "random_erasing", shorthand = "p", doc = "With probability p, fill a random rectangle (area fraction "
            + "`scale`, aspect `ratio`; up to 10 tries to fit, else nothing) with per-pixel noise or one grey level "
            + "(torchvision's RandomErasing, on the 8-bit image before normalisation; list it last)")
    record RandomErasing(@Doc("Probability") double p,
                         @Doc("Erased area fraction range [min, max]") List<Double> scale,
                         @Doc("Aspect ratio (height / width) range [min, max]") List<Double> ratio,
                         @Doc("random (uniform 0..255 noise per pixel and channel, timm's 'pixel' mode) or a grey "
                                 + "level 0..255 (0 is black: before normalisation; ImageNet's mean is about 124)")
                         String value) implements AugmentOp {
        /** The {@code value} that fills with noise. */
        public static final String RANDOM = "random";

        public static RandomErasing defaults() {
            return new RandomErasing(0.5, List.of(0.02, 0.33), List.of(0.3, 3.3), RANDOM);
        }

        @Override
        public void validate(String path, ConfigErrors errors) {
            errors.probability(path + ".p", p);
            if (errors.check(scale.size() == 2, path + ".scale", "must be [min, max]")) {
                errors.check(scale.get(0) > 0 && scale.get(0) <= scale.get(1) && scale.get(1) <= 1,
                        path + ".scale", "must satisfy 0 < min <= max <= 1 (was " + scale + ")");
            }
            if (errors.check(ratio.size() == 2, path + ".ratio", "must be [min, max]")) {
                errors.check(ratio.get(0) > 0 && ratio.get(0) <= ratio.get(1), path + ".ratio",
                        "must satisfy 0 < min <= max (was " + ratio + ")");
            }
            errors.check(RANDOM.equals(value) || grey() >= 0, path + ".value",
                    "must be random or a grey level 0..255 (was '" + value + "')");
        }

        /** The fill level, or -1 for noise (or an invalid value). */
        private int grey() {
            try {
                int level = Integer.parseInt(value);
                return level >= 0 && level <= 255 ? level : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        @Override
        public Mat apply(Mat src, Random rng, int size) {
            if (rng.nextDouble() >= p) {
                return src;
            }
            int w = src.cols();
            int h = src.rows();
            double logLow = Math.log(ratio.get(0));
            double logHigh = Math.log(ratio.get(1));
            for (int attempt = 0; attempt < 10; attempt++) {
                double area = (double) w * h * uniform(rng, scale.get(0), scale.get(1));
                double aspect = Math.exp(uniform(rng, logLow, logHigh));
                int eh = (int) Math.round(Math.sqrt(area * aspect));
                int ew = (int) Math.round(Math.sqrt(area / aspect));
                if (eh < h && ew < w) {
                    return erased(src, rng.nextInt(w - ew + 1), rng.nextInt(h - eh + 1), ew, eh, rng);
                }
            }
            return src;
        }

        private Mat erased(Mat src, int x, int y, int ew, int eh, Random rng) {
            byte[] bytes = Pixels.read(src);
            int level = RANDOM.equals(value) ? -1 : grey();
            int stride = src.cols() * 3;
            for (int row = y; row < y + eh; row++) {
                for (int i = row * stride + x * 3; i < row * stride + (x + ew) * 3; i++) {
                    bytes[i] = (byte) (level < 0 ? rng.nextInt(256) : level);
                }
            }
            return Pixels.image(bytes, src.cols(), src.rows());
        }
    }

    /** {@code magnitude}, negated with probability 1/2 for an op that takes a sign. */
    private static double signed(PolicyOp op, double magnitude, Random rng) {
        return op.signed && rng.nextBoolean() ? -magnitude : magnitude;
    }

    private static Mat flipped(Mat src, int axis) {
        Mat dst = new Mat();
        flip(src, dst, axis);
        return dst;
    }

    private static Mat toGray(Mat bgr, Mat gray) {
        cvtColor(bgr, gray, COLOR_BGR2GRAY);
        return gray;
    }

    private static double uniform(Random rng, double low, double high) {
        return low + (high - low) * rng.nextDouble();
    }
}
