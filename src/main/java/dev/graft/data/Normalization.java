package dev.graft.data;

import java.awt.image.BufferedImage;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Per-channel normalisation applied after scaling pixels to [0, 1]: {@code (x - mean[c]) / std[c]}, channels in
 * RGB order. The values come from the backbone (its pretraining statistics); this package only applies them.
 */
public record Normalization(float[] mean, float[] std) implements Serializable {
    /** ImageNet statistics, used by torchvision's ImageNet and most CIFAR ResNets. */
    public static final Normalization IMAGENET =
            new Normalization(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});

    /** Leaves [0, 1] pixels as they are. */
    public static final Normalization NONE = new Normalization(new float[] {0, 0, 0}, new float[] {1, 1, 1});

    public Normalization {
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values (R, G, B)");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std must be > 0: " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /**
     * A normalised network input ({@code 3 x size x size} planar RGB floats) as the 8-bit RGB image it was
     * before normalisation (what an explanation is drawn on).
     */
    public BufferedImage image(float[] input, int size) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    double v = input[c * plane + y * size + x] * std[c] + mean[c];
                    rgb = rgb << 8 | (int) Math.round(255 * Math.max(0, Math.min(1, v)));
                }
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    /** A 256-entry table per channel: byte value to normalised float. */
    float[][] lookupTables() {
        float[][] tables = new float[3][256];
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                tables[c][v] = (v / 255f - mean[c]) / std[c];
            }
        }
        return tables;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std);
    }
}
