package dev.graft.data;

import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REFLECT_101;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.addWeighted;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.filter2D;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

/**
 * The 14 image operations {@code randaugment} and {@code trivialaugment} draw from, torchvision's list
 * ({@code transforms.RandAugment} / {@code TrivialAugmentWide}) with its magnitude tables over 31 bins. Pixel
 * operations follow torchvision (posterize, solarize, autocontrast, equalize as in PIL); like Graft's other ops,
 * borders that shear, translate and rotate uncover are reflected instead of torchvision's black.
 */
enum PolicyOp {
    IDENTITY(false),
    SHEAR_X(true),
    SHEAR_Y(true),
    TRANSLATE_X(true),
    TRANSLATE_Y(true),
    ROTATE(true),
    BRIGHTNESS(true),
    COLOR(true),
    CONTRAST(true),
    SHARPNESS(true),
    POSTERIZE(false),
    SOLARIZE(false),
    AUTO_CONTRAST(false),
    EQUALIZE(false);

    /** Magnitude bins (torchvision's {@code num_magnitude_bins}): a magnitude is a bin in 0..30. */
    static final int BINS = 31;

    /** Whether the magnitude is negated with probability 1/2. */
    final boolean signed;

    PolicyOp(boolean signed) {
        this.signed = signed;
    }

    /**
     * The op's magnitude at {@code bin} (0..30) in RandAugment's table, or TrivialAugmentWide's ({@code wide}),
     * before the random sign; {@code w x h} is the image size (RandAugment translates by a fraction of it).
     */
    double magnitude(int bin, boolean wide, int w, int h) {
        double f = bin / (double) (BINS - 1);
        return switch (this) {
            case IDENTITY, AUTO_CONTRAST, EQUALIZE -> 0;
            case SHEAR_X, SHEAR_Y -> (wide ? 0.99 : 0.3) * f;
            case TRANSLATE_X -> (wide ? 32 : 150.0 / 331.0 * w) * f;
            case TRANSLATE_Y -> (wide ? 32 : 150.0 / 331.0 * h) * f;
            case ROTATE -> (wide ? 135 : 30) * f;
            case BRIGHTNESS, COLOR, CONTRAST, SHARPNESS -> (wide ? 0.99 : 0.9) * f;
            case POSTERIZE -> 8 - Math.round((wide ? 6 : 4) * f);
            case SOLARIZE -> 255 * (1 - f);
        };
    }

    /** Applies the op at a (signed) magnitude; returns {@code src} itself for the identity, else a new image. */
    Mat apply(Mat src, double magnitude) {
        return switch (this) {
            case IDENTITY -> src;
            case SHEAR_X -> affine(src, 1, magnitude, 0, 0, 1, 0);
            case SHEAR_Y -> affine(src, 1, 0, 0, magnitude, 1, 0);
            case TRANSLATE_X -> affine(src, 1, 0, (int) magnitude, 0, 1, 0);
            case TRANSLATE_Y -> affine(src, 1, 0, 0, 0, 1, (int) magnitude);
            case ROTATE -> AugmentOp.Rotate.rotated(src, magnitude);
            case BRIGHTNESS -> AugmentOp.ColorJitter.adjusted(src, 0, 1 + magnitude);
            case CONTRAST -> AugmentOp.ColorJitter.adjusted(src, 1, 1 + magnitude);
            case COLOR -> AugmentOp.ColorJitter.adjusted(src, 2, 1 + magnitude);
            case SHARPNESS -> sharpened(src, 1 + magnitude);
            case POSTERIZE -> Pixels.mapped(src, Pixels.sameForAll(posterize((int) magnitude)));
            case SOLARIZE -> Pixels.mapped(src, Pixels.sameForAll(solarize(magnitude)));
            case AUTO_CONTRAST -> Pixels.mapped(src, autoContrast(Pixels.histograms(src)));
            case EQUALIZE -> Pixels.mapped(src, equalize(Pixels.histograms(src)));
        };
    }

    /** The affine map [[a, b, c], [d, e, f]] (output pixel at (a x + b y + c, d x + e y + f)). */
    private static Mat affine(Mat src, double a, double b, double c, double d, double e, double f) {
        Mat dst = new Mat();
        try (Mat matrix = new Mat(2, 3, CV_64F); DoubleIndexer m = matrix.createIndexer();
             Size size = src.size(); Scalar border = new Scalar(0.0)) {
            m.put(0, 0, a).put(0, 1, b).put(0, 2, c).put(1, 0, d).put(1, 1, e).put(1, 2, f);
            warpAffine(src, dst, matrix, size, INTER_LINEAR, BORDER_REFLECT_101, border);
        }
        return dst;
    }

    /**
     * torchvision's {@code adjust_sharpness}: blend with the image smoothed by [[1,1,1],[1,5,1],[1,1,1]]/13 (the
     * one-pixel border kept as is) by {@code factor}: 0 smooth, 1 unchanged, above 1 sharper.
     */
    private static Mat sharpened(Mat src, double factor) {
        Mat dst = new Mat();
        try (Mat kernel = new Mat(3, 3, CV_32F); FloatIndexer k = kernel.createIndexer(); Mat smooth = new Mat()) {
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 3; x++) {
                    k.put(y, x, (x == 1 && y == 1 ? 5f : 1f) / 13f);
                }
            }
            filter2D(src, smooth, -1, kernel);
            keepBorder(src, smooth);
            addWeighted(src, factor, smooth, 1 - factor, 0, dst);
        }
        return dst;
    }

    /** Copies {@code src}'s one-pixel frame into {@code dst} (same size). */
    private static void keepBorder(Mat src, Mat dst) {
        int w = src.cols();
        int h = src.rows();
        if (w < 3 || h < 3) {
            src.copyTo(dst);
            return;
        }
        int[][] frame = {{0, 0, w, 1}, {0, h - 1, w, 1}, {0, 0, 1, h}, {w - 1, 0, 1, h}};
        for (int[] r : frame) {
            try (Mat from = Geometry.region(src, r[0], r[1], r[2], r[3]);
                 Mat to = Geometry.region(dst, r[0], r[1], r[2], r[3])) {
                from.copyTo(to);
            }
        }
    }

    /** Keeps the top {@code bits} bits of each value. */
    static int[] posterize(int bits) {
        int mask = ~((1 << (8 - bits)) - 1) & 0xFF;
        int[] table = new int[256];
        for (int v = 0; v < 256; v++) {
            table[v] = v & mask;
        }
        return table;
    }

    /** Inverts every value at or above {@code threshold}. */
    static int[] solarize(double threshold) {
        int[] table = new int[256];
        for (int v = 0; v < 256; v++) {
            table[v] = v >= threshold ? 255 - v : v;
        }
        return table;
    }

    /** Stretches each channel from its [min, max] to [0, 255] (a constant channel stays). */
    static int[][] autoContrast(int[][] histograms) {
        int[][] tables = new int[3][256];
        for (int c = 0; c < 3; c++) {
            int lo = 0;
            int hi = 255;
            while (lo < 255 && histograms[c][lo] == 0) {
                lo++;
            }
            while (hi > 0 && histograms[c][hi] == 0) {
                hi--;
            }
            for (int v = 0; v < 256; v++) {
                tables[c][v] = hi <= lo ? v : Math.max(0, Math.min(255, (int) ((v - lo) * 255.0 / (hi - lo))));
            }
        }
        return tables;
    }

    /** PIL's (and torchvision's) histogram equalisation per channel. */
    static int[][] equalize(int[][] histograms) {
        int[][] tables = new int[3][256];
        for (int c = 0; c < 3; c++) {
            int[] hist = histograms[c];
            int total = 0;
            int last = 0;
            for (int v = 0; v < 256; v++) {
                total += hist[v];
                last = hist[v] != 0 ? hist[v] : last;
            }
            int step = (total - last) / 255;
            int cumulative = 0;
            for (int v = 0; v < 256; v++) {
                tables[c][v] = step == 0 ? v : Math.min(255, (cumulative + step / 2) / step);
                cumulative += hist[v];
            }
        }
        return tables;
    }
}
