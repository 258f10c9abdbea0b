package dev.graft.model;

import java.awt.image.BufferedImage;

/**
 * The arithmetic that turns a stage-resolution Grad-CAM map into the one shown on the image: bilinear upsampling
 * with each cell on the centre of its receptive field ({@link #upsampled}) and normalisation to {@code [0, 1]} by
 * the maximum, so 0 keeps meaning "no evidence" ({@link #onImage} does both); and the overlay of a normalised map
 * on its image, shared by {@code graft explain}, the serving API and the run report's galleries.
 */
public final class Heatmap {
    private Heatmap() {
    }

    /** The largest value of {@code map} (0 for an all-zero map). */
    public static float max(float[][] map) {
        float max = 0;
        for (float[] row : map) {
            for (float v : row) {
                max = Math.max(max, v);
            }
        }
        return max;
    }

    /**
     * A stage's raw Grad-CAM map as shown on the {@code size x size} network input: {@link #upsampled} and
     * {@link #normalised}.
     *
     * @param stride how much the stage reduces the input per side
     */
    public static float[][] onImage(float[][] map, int stride, int size) {
        return normalised(upsampled(map, stride, size, size));
    }

    /** {@code map} divided by its maximum; an all-zero map stays zero. */
    public static float[][] normalised(float[][] map) {
        float max = max(map);
        float[][] out = new float[map.length][];
        for (int i = 0; i < map.length; i++) {
            out[i] = new float[map[i].length];
            for (int j = 0; j < map[i].length; j++) {
                out[i][j] = max > 0 ? map[i][j] / max : 0f;
            }
        }
        return out;
    }

    /**
     * {@code map}, one stage's output grid, resampled to the {@code height x width} network input by bilinear
     * interpolation, with cell {@code (j, i)} placed on input pixel {@code (stride * j, stride * i)}, the centre of
     * its receptive field; pixels past the last cell keep its value.
     *
     * <p>Why not a plain resize (OpenCV's {@code resize}, PyTorch's {@code interpolate}), which puts cell j on the
     * middle of the pixel block {@code [stride * j, stride * (j + 1))}: a ResNet reduces by convolutions (7x7,
     * 3x3, 1x1) and a 3x3 pool of stride 2, each padded by half its kernel, so output cell i of each is centred on
     * input index 2i, and a stage that reduces by {@code stride} is anchored on the top-left pixel. A plain resize
     * draws the map {@code (stride - 1) / 2} pixels to the right and below where the network saw the evidence:
     * 1.5 px of a 32 px CIFAR image at the last stage, 15.5 px of a 224 px image at a ResNet-50's.
     *
     * @param stride how much the stage reduces the input per side ({@link dev.graft.backbone.Stage#reduction()})
     */
    public static float[][] upsampled(float[][] map, int stride, int height, int width) {
        int h = map.length;
        int w = map[0].length;
        float[][] out = new float[height][width];
        for (int y = 0; y < height; y++) {
            double sy = clamp((double) y / stride, h);
            int y0 = (int) Math.floor(sy);
            int y1 = Math.min(y0 + 1, h - 1);
            double fy = sy - y0;
            for (int x = 0; x < width; x++) {
                double sx = clamp((double) x / stride, w);
                int x0 = (int) Math.floor(sx);
                int x1 = Math.min(x0 + 1, w - 1);
                double fx = sx - x0;
                double top = map[y0][x0] * (1 - fx) + map[y0][x1] * fx;
                double bottom = map[y1][x0] * (1 - fx) + map[y1][x1] * fx;
                out[y][x] = (float) (top * (1 - fy) + bottom * fy);
            }
        }
        return out;
    }

    private static double clamp(double v, int n) {
        return Math.max(0, Math.min(n - 1, v));
    }

    /** Weight of the heatmap colour in {@link #overlay}, where the map is 1. */
    private static final double OPACITY = 0.6;

    /**
     * {@code image} with {@code map} (values in {@code [0, 1]}, the image's size) drawn over it in a blue (0) to
     * red (1) colour scale.
     */
    public static BufferedImage overlay(BufferedImage image, float[][] map) {
        int size = map.length;
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                float v = map[y][x];
                int rgb = image.getRGB(x, y);
                int heat = jet(v);
                double a = OPACITY * (0.3 + 0.7 * v); // faint colour where the map is low
                out.setRGB(x, y, blend(rgb >> 16, heat >> 16, a) << 16 | blend(rgb >> 8, heat >> 8, a) << 8
                        | blend(rgb, heat, a));
            }
        }
        return out;
    }

    private static int blend(int base, int colour, double a) {
        return (int) Math.round((base & 0xff) * (1 - a) + (colour & 0xff) * a);
    }

    /** The "jet" colour scale: blue, cyan, yellow, red. */
    private static int jet(float v) {
        double r = unit(1.5 - Math.abs(4 * v - 3));
        double g = unit(1.5 - Math.abs(4 * v - 2));
        double b = unit(1.5 - Math.abs(4 * v - 1));
        return (int) Math.round(255 * r) << 16 | (int) Math.round(255 * g) << 8 | (int) Math.round(255 * b);
    }

    private static double unit(double v) {
        return Math.max(0, Math.min(1, v));
    }
}
