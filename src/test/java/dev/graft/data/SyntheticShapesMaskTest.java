package dev.graft.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The generator's masks belong to the very images it writes and cover the drawn shape. */
class SyntheticShapesMaskTest {
    @TempDir
    Path dir;

    @Test
    void samplesAreTheWrittenImagesWithTheirShapesMasks() throws IOException {
        Path root = dir.resolve("shapes");
        SyntheticShapes.generate(root, 4, 48, 7);
        List<SyntheticShapes.Sample> samples = SyntheticShapes.samples(4, 48, 7);
        assertEquals(12, samples.size());
        for (int n = 0; n < samples.size(); n++) {
            SyntheticShapes.Sample sample = samples.get(n);
            assertEquals(n / 4, sample.label());
            BufferedImage written = ImageIO.read(root.resolve(SyntheticShapes.CLASSES.get(sample.label()))
                    .resolve(String.format("%04d.png", n % 4)).toFile());
            for (int y = 0; y < 48; y++) {
                for (int x = 0; x < 48; x++) {
                    assertEquals(written.getRGB(x, y), sample.image().getRGB(x, y), "pixel " + x + "," + y);
                }
            }
            java.awt.Rectangle box = sample.shape().getBounds();
            double side = box.width;
            double area = switch (sample.label()) {
                case 0 -> Math.PI * side * side / 4;
                case 1 -> side * side;
                default -> side * side / 2;
            };
            assertEquals(area, sum(sample.mask(48)), 0.03 * area, "mask area of sample " + n);
            assertEquals(area * (24.0 / 48) * (24.0 / 48), sum(sample.mask(24)), 0.05 * area / 4,
                    "a half-size mask covers a quarter of the pixels");
        }
    }

    private static double sum(float[][] mask) {
        double total = 0;
        for (float[] row : mask) {
            for (float v : row) {
                total += v;
            }
        }
        return total;
    }
}
