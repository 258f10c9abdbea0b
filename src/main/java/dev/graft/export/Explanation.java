package dev.graft.export;

import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * Where a model looked for one class in one image: its Grad-CAM map ({@link Classifier#explain}) at the network
 * input's resolution, with the image as the model saw it (resized and cropped, before normalisation).
 *
 * @param label       the explained class
 * @param classIndex  its index in the model's outputs
 * @param probability the model's probability of that class for this image
 * @param stage       the stage whose output was explained ({@code stage3}, ...)
 * @param map         {@code size x size} values in {@code [0, 1]}, row by row (1 = the strongest evidence for the
 *                    class; all zero when nothing in the stage's output speaks for it)
 * @param image       the network input as an RGB image of {@code size x size}
 */
public record Explanation(String label, int classIndex, float probability, String stage, float[][] map,
                          BufferedImage image) {
    /** Weight of the heatmap colour in {@link #overlay()}, where the map is 1. */
    private static final double OPACITY = 0.6;

    /** The image with the map drawn over it in a blue (0) to red (1) colour scale. */
    public BufferedImage overlay() {
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

    /** The map as CSV: one line per image row, {@code size} comma-separated values with 6 decimals. */
    public String csv() {
        StringBuilder text = new StringBuilder();
        for (float[] row : map) {
            for (int x = 0; x < row.length; x++) {
                text.append(x == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.6f", row[x]));
            }
            text.append('\n');
        }
        return text.toString();
    }

    private static int blend(int base, int colour, double a) {
        return (int) Math.round((base & 0xff) * (1 - a) + (colour & 0xff) * a);
    }

    /** The "jet" colour scale: blue, cyan, yellow, red. */
    private static int jet(float v) {
        double r = clamp(1.5 - Math.abs(4 * v - 3));
        double g = clamp(1.5 - Math.abs(4 * v - 2));
        double b = clamp(1.5 - Math.abs(4 * v - 1));
        return (int) Math.round(255 * r) << 16 | (int) Math.round(255 * g) << 8 | (int) Math.round(255 * b);
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }
}
