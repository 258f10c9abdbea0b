package dev.graft.export;

import dev.graft.model.Heatmap;

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
    /** The image with the map drawn over it in a blue (0) to red (1) colour scale. */
    public BufferedImage overlay() {
        return Heatmap.overlay(image, map);
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
}
