package dev.graft.testing;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Tiny image folders for tests: classes that differ by dominant colour, learnable in an epoch or two. */
public final class ColourFolders {
    public static final List<String> COLOURS = List.of("blue", "green", "red");

    private ColourFolders() {
    }

    /** {@code root/<colour>/NNN.png}, {@code perClass} noisy {@code size}x{@code size} images per colour. */
    public static Path colourFolders(Path root, int perClass, int size, long seed) {
        Random random = new Random(seed);
        try {
            for (int c = 0; c < COLOURS.size(); c++) {
                Path folder = Files.createDirectories(root.resolve(COLOURS.get(c)));
                for (int i = 0; i < perClass; i++) {
                    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
                    for (int y = 0; y < size; y++) {
                        for (int x = 0; x < size; x++) {
                            int[] rgb = new int[3];
                            for (int k = 0; k < 3; k++) {
                                int base = k == 2 - c ? 190 : 60; // blue=channel 2, green=1, red=0
                                rgb[k] = Math.max(0, Math.min(255, base + (int) (random.nextGaussian() * 40)));
                            }
                            image.setRGB(x, y, (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]);
                        }
                    }
                    ImageIO.write(image, "png", folder.resolve(String.format("%03d.png", i)).toFile());
                }
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
