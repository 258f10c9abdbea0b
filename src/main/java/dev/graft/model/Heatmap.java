package dev.graft.model;

import java.awt.image.BufferedImage;

/**
 * The arithmetic that turns a stage-resolution Grad-CAM map into the one shown on the image: bilinear upsampling
 * (pixel centres aligned, as OpenCV's {@code resize} and PyTorch's {@code interpolate(align_corners=False)}) and
 * normalisation to {@code [0, 1]} by the maximum, so 0 keeps meaning "no evidence"; and the overlay of a
 * normalised map on its image, shared by {@code graft explain}, the serving API and the run report's galleries.
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

    /** {@code map} resampled to {@code height x width} by bilinear interpolation, edges clamped. */
    public static float[][] upsampled(float[][] map, int height, int width) {
        int h = map.length;
        int w = map[0].length;
        float[][] out = new float[height][width];
        for (int y = 0; y < height; y++) {
            double sy = clamp((y + 0.5) * h / height - 0.5, h);
            int y0 = (int) Math.floor(sy);
            int y1 = Math.min(y0 + 1, h - 1);
            double fy = sy - y0;
            for (int x = 0; x < width; x++) {
                double sx = clamp((x + 0.5) * w / width - 0.5, w);
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
