package dev.graft.backbone;

/**
 * Pillow's bilinear and bicubic {@code Image.resize} for 8-bit RGB, reproduced operation for operation so that Graft's
 * preprocessing gives the same bytes as torchvision's {@code Resize} on a PIL image: a triangle filter widened
 * by the scale factor when shrinking (antialiasing; bicubic: Pillow's a = -0.5 kernel of support 2), coefficients in 22-bit fixed point, a horizontal then a
 * vertical pass, each rounded and clipped to 8 bits (Pillow {@code libImaging/Resample.c}).
 */
final class PilResize {
    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final int HALF = 1 << (PRECISION_BITS - 1);

    private PilResize() {
    }

    /** An 8-bit RGB image, pixels row-major with interleaved channels (each 0..255). */
    record Rgb(int width, int height, int[] pixels) {
        Rgb {
            if (pixels.length != width * height * 3) {
                throw new IllegalArgumentException("need " + width * height * 3 + " values");
            }
        }

        /** Channel {@code c} of pixel ({@code x}, {@code y}). */
        int at(int x, int y, int c) {
            return pixels[(y * width + x) * 3 + c];
        }
    }

    /** Filter taps of one axis: per output pixel the first input index, the tap count and the weights. */
    private record Taps(int ksize, int[] bounds, int[] weights) {
    }

    /** {@code image} resized to {@code outWidth} x {@code outHeight} with Pillow's bilinear filter. */
    static Rgb bilinear(Rgb image, int outWidth, int outHeight) {
        return resize(image, outWidth, outHeight, InputSpec.Resample.BILINEAR);
    }

    /** {@code image} resized to {@code outWidth} x {@code outHeight} with Pillow's {@code filter}. */
    static Rgb resize(Rgb image, int outWidth, int outHeight, InputSpec.Resample filter) {
        Taps horizontal = taps(image.width(), outWidth, filter);
        Taps vertical = taps(image.height(), outHeight, filter);
        Rgb current = image;
        int rowOffset = 0;
        if (outWidth != image.width()) {
            int first = vertical.bounds()[0];
            int last = vertical.bounds()[outHeight * 2 - 2] + vertical.bounds()[outHeight * 2 - 1];
            if (outHeight == image.height()) {
                first = 0;
                last = image.height();
            }
            current = horizontalPass(image, horizontal, outWidth, first, last);
            rowOffset = first;
        }
        if (outHeight != image.height()) {
            current = verticalPass(current, vertical, outHeight, rowOffset);
        }
        return current == image ? new Rgb(image.width(), image.height(), image.pixels().clone()) : current;
    }

    private static Taps taps(int inSize, int outSize, InputSpec.Resample filter) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filterScale * (filter == InputSpec.Resample.BICUBIC ? 2.0 : 1.0);
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] bounds = new int[outSize * 2];
        int[] weights = new int[outSize * ksize];
        double[] k = new double[ksize];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double ss = 1.0 / filterScale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
            double ww = 0;
            for (int x = 0; x < xmax; x++) {
                double t = (x + xmin - center + 0.5) * ss;
                double w = filter == InputSpec.Resample.BICUBIC ? bicubic(t) : triangle(t);
                k[x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++) {
                double v = ww != 0 ? k[x] / ww : k[x];
                weights[xx * ksize + x] = (int) (v < 0 ? -0.5 + v * (1 << PRECISION_BITS)
                        : 0.5 + v * (1 << PRECISION_BITS));
            }
            bounds[xx * 2] = xmin;
            bounds[xx * 2 + 1] = xmax;
        }
        return new Taps(ksize, bounds, weights);
    }

    private static double triangle(double x) {
        double a = Math.abs(x);
        return a < 1.0 ? 1.0 - a : 0.0;
    }

    /** Pillow's bicubic kernel with a = -0.5. */
    private static double bicubic(double x) {
        double a = -0.5;
        double v = Math.abs(x);
        if (v < 1.0) {
            return ((a + 2.0) * v - (a + 3.0)) * v * v + 1;
        }
        return v < 2.0 ? (((v - 5) * v + 8) * v - 4) * a : 0.0;
    }

    private static Rgb horizontalPass(Rgb in, Taps taps, int outWidth, int firstRow, int lastRow) {
        int rows = lastRow - firstRow;
        int[] out = new int[outWidth * rows * 3];
        for (int y = 0; y < rows; y++) {
            for (int xx = 0; xx < outWidth; xx++) {
                int xmin = taps.bounds()[xx * 2];
                int xmax = taps.bounds()[xx * 2 + 1];
                for (int c = 0; c < 3; c++) {
                    int ss = HALF;
                    for (int x = 0; x < xmax; x++) {
                        ss += in.at(x + xmin, y + firstRow, c) * taps.weights()[xx * taps.ksize() + x];
                    }
                    out[(y * outWidth + xx) * 3 + c] = clip8(ss);
                }
            }
        }
        return new Rgb(outWidth, rows, out);
    }

    private static Rgb verticalPass(Rgb in, Taps taps, int outHeight, int rowOffset) {
        int width = in.width();
        int[] out = new int[width * outHeight * 3];
        for (int yy = 0; yy < outHeight; yy++) {
            int ymin = taps.bounds()[yy * 2] - rowOffset;
            int ymax = taps.bounds()[yy * 2 + 1];
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < 3; c++) {
                    int ss = HALF;
                    for (int y = 0; y < ymax; y++) {
                        ss += in.at(x, y + ymin, c) * taps.weights()[yy * taps.ksize() + y];
                    }
                    out[(yy * width + x) * 3 + c] = clip8(ss);
                }
            }
        }
        return new Rgb(width, outHeight, out);
    }

    private static int clip8(int v) {
        if (v >= (1 << PRECISION_BITS << 8)) {
            return 255;
        }
        return v <= 0 ? 0 : v >> PRECISION_BITS;
    }
}
