package dev.graft.data;

import dev.graft.config.Augmentation;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point2f;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

import java.util.Random;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REFLECT_101;
import static org.bytedeco.opencv.global.opencv_core.addWeighted;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_core.flip;
import static org.bytedeco.opencv.global.opencv_core.mean;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.getRotationMatrix2D;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

/**
 * The augmentation registry: one {@link ImageOp} per {@link Augmentation} record, with torchvision's semantics
 * unless noted. Borders created by rotation and padding are reflected (OpenCV's {@code BORDER_REFLECT_101})
 * rather than black, so the network does not learn "black corner = augmented".
 */
final class AugmentOps {
    private AugmentOps() {
    }

    /** The op for one configured augmentation; {@code size} is the network input size. */
    static ImageOp of(Augmentation augmentation, int size) {
        if (augmentation instanceof Augmentation.RandomResizedCrop a) {
            return (src, rng) -> randomResizedCrop(src, rng, a, size);
        } else if (augmentation instanceof Augmentation.HFlip a) {
            return (src, rng) -> rng.nextDouble() < a.p() ? flipped(src, 1) : src;
        } else if (augmentation instanceof Augmentation.VFlip a) {
            return (src, rng) -> rng.nextDouble() < a.p() ? flipped(src, 0) : src;
        } else if (augmentation instanceof Augmentation.Rotate a) {
            return (src, rng) -> rotate(src, uniform(rng, -a.degrees(), a.degrees()));
        } else if (augmentation instanceof Augmentation.ColorJitter a) {
            return (src, rng) -> colorJitter(src, rng, a);
        } else if (augmentation instanceof Augmentation.RandomCrop a) {
            return (src, rng) -> randomCrop(src, rng, a.padding());
        } else if (augmentation instanceof Augmentation.Grayscale a) {
            return (src, rng) -> rng.nextDouble() < a.p() ? grayscale(src) : src;
        } else if (augmentation instanceof Augmentation.GaussianBlur a) {
            return (src, rng) -> rng.nextDouble() < a.p()
                    ? blur(src, uniform(rng, a.sigma().get(0), a.sigma().get(1))) : src;
        }
        throw new IllegalArgumentException("no implementation for augmentation '" + augmentation.op() + "'");
    }

    /**
     * torchvision's RandomResizedCrop: up to 10 tries to draw an area fraction in {@code scale} and a log-uniform
     * aspect ratio in {@code ratio} that fit, else a centre crop clamped to the ratio range; resized to size x size.
     */
    static Mat randomResizedCrop(Mat src, Random rng, Augmentation.RandomResizedCrop a, int size) {
        int w = src.cols();
        int h = src.rows();
        double area = (double) w * h;
        double logLow = Math.log(a.ratio().get(0));
        double logHigh = Math.log(a.ratio().get(1));
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * uniform(rng, a.scale().get(0), a.scale().get(1));
            double aspect = Math.exp(uniform(rng, logLow, logHigh));
            int cw = (int) Math.round(Math.sqrt(target * aspect));
            int ch = (int) Math.round(Math.sqrt(target / aspect));
            if (cw > 0 && ch > 0 && cw <= w && ch <= h) {
                int y = rng.nextInt(h - ch + 1);
                int x = rng.nextInt(w - cw + 1);
                return Geometry.resizeRegion(src, x, y, cw, ch, size, size);
            }
        }
        double inRatio = (double) w / h;
        int cw = w;
        int ch = h;
        if (inRatio < a.ratio().get(0)) {
            ch = Math.max(1, (int) Math.round(w / a.ratio().get(0)));
        } else if (inRatio > a.ratio().get(1)) {
            cw = Math.max(1, (int) Math.round(h * a.ratio().get(1)));
        }
        return Geometry.resizeRegion(src, (w - cw) / 2, (h - ch) / 2, cw, ch, size, size);
    }

    static Mat flipped(Mat src, int axis) {
        Mat dst = new Mat();
        flip(src, dst, axis);
        return dst;
    }

    static Mat rotate(Mat src, double degrees) {
        Mat dst = new Mat();
        try (Point2f centre = new Point2f((src.cols() - 1) / 2f, (src.rows() - 1) / 2f);
             Mat matrix = getRotationMatrix2D(centre, degrees, 1.0);
             Size size = src.size();
             Scalar border = new Scalar(0.0)) {
            warpAffine(src, dst, matrix, size, INTER_LINEAR, BORDER_REFLECT_101, border);
        }
        return dst;
    }

    /** Brightness, contrast and saturation factors uniform in [max(0, 1-x), 1+x], applied in a random order. */
    static Mat colorJitter(Mat src, Random rng, Augmentation.ColorJitter a) {
        int[] order = {0, 1, 2};
        SampleOrder.shuffle(order, rng);
        Mat current = src;
        for (int step : order) {
            double amount = step == 0 ? a.brightness() : step == 1 ? a.contrast() : a.saturation();
            if (amount <= 0) {
                continue;
            }
            double factor = uniform(rng, Math.max(0, 1 - amount), 1 + amount);
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
            if (current != src) {
                current.close();
            }
            current = next;
        }
        return current;
    }

    /** Reflect-pads by {@code padding} pixels and crops the original size back at a random offset. */
    static Mat randomCrop(Mat src, Random rng, int padding) {
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

    static Mat grayscale(Mat src) {
        Mat dst = new Mat();
        try (Mat g = new Mat()) {
            cvtColor(toGray(src, g), dst, COLOR_GRAY2BGR);
        }
        return dst;
    }

    /** Gaussian blur; the kernel covers +-3 sigma (OpenCV's choice for 8-bit images). */
    static Mat blur(Mat src, double sigma) {
        Mat dst = new Mat();
        try (Size auto = new Size(0, 0)) {
            GaussianBlur(src, dst, auto, sigma);
        }
        return dst;
    }

    private static Mat toGray(Mat bgr, Mat gray) {
        cvtColor(bgr, gray, COLOR_BGR2GRAY);
        return gray;
    }

    static double uniform(Random rng, double low, double high) {
        return low + (high - low) * rng.nextDouble();
    }
}
