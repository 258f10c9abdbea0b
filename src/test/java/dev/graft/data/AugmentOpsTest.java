package dev.graft.data;

import dev.graft.config.Augmentation;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each augmentation op on small images, checked on pixels. */
class AugmentOpsTest {
    @TempDir
    Path dir;

    private Mat load(java.awt.image.BufferedImage img) throws IOException {
        return ImageDecoder.readBgr(TestImages.png(dir.resolve(System.nanoTime() + ".png"), img), null, 0);
    }

    @Test
    void hflipMirrorsColumns() throws IOException {
        try (Mat src = load(TestImages.halves(8, 4, 2, 0xFF0000, 0x0000FF));
             Mat out = AugmentOps.of(new Augmentation.HFlip(1.0), 8).apply(src, new Random(1))) {
            assertArrayEquals(new int[] {0, 0, 255}, ImageDecoderTest.rgb(out, 0, 0));
            assertArrayEquals(new int[] {255, 0, 0}, ImageDecoderTest.rgb(out, 7, 3));
            assertArrayEquals(new int[] {255, 0, 0}, ImageDecoderTest.rgb(out, 6, 1));
            assertArrayEquals(new int[] {0, 0, 255}, ImageDecoderTest.rgb(out, 5, 1));
        }
    }

    @Test
    void flipsWithProbabilityZeroLeaveTheImage() throws IOException {
        try (Mat src = load(TestImages.noise(4, 4, 1))) {
            assertSame(src, AugmentOps.of(new Augmentation.HFlip(0), 4).apply(src, new Random(1)));
            assertSame(src, AugmentOps.of(new Augmentation.VFlip(0), 4).apply(src, new Random(1)));
        }
    }

    @Test
    void vflipMirrorsRows() throws IOException {
        java.awt.image.BufferedImage img = TestImages.noise(3, 5, 2);
        try (Mat src = load(img); Mat out = AugmentOps.of(new Augmentation.VFlip(1.0), 3).apply(src, new Random(1))) {
            assertArrayEquals(ImageDecoderTest.rgb(src, 1, 0), ImageDecoderTest.rgb(out, 1, 4));
        }
    }

    @Test
    void grayscaleKeepsThreeEqualChannels() throws IOException {
        try (Mat src = load(TestImages.noise(5, 5, 3));
             Mat out = AugmentOps.of(new Augmentation.Grayscale(1.0), 5).apply(src, new Random(1))) {
            assertEquals(3, out.channels());
            int[] px = ImageDecoderTest.rgb(out, 2, 2);
            assertEquals(px[0], px[1]);
            assertEquals(px[1], px[2]);
        }
    }

    @Test
    void randomResizedCropGivesTheInputSize() throws IOException {
        try (Mat src = load(TestImages.noise(50, 30, 4))) {
            for (int seed = 0; seed < 20; seed++) {
                try (Mat out = AugmentOps.of(Augmentation.RandomResizedCrop.defaults(), 16).apply(src, new Random(seed))) {
                    assertEquals(16, out.cols());
                    assertEquals(16, out.rows());
                }
            }
            // Impossible ratio range: falls back to a centre crop clamped to the ratio.
            Augmentation.RandomResizedCrop wide = new Augmentation.RandomResizedCrop(List.of(1.0, 1.0), List.of(3.0, 4.0));
            try (Mat out = AugmentOps.of(wide, 16).apply(src, new Random(1))) {
                assertEquals(16, out.cols());
            }
        }
    }

    @Test
    void rotateAndRandomCropKeepTheSize() throws IOException {
        try (Mat src = load(TestImages.noise(20, 12, 5));
             Mat rotated = AugmentOps.of(new Augmentation.Rotate(30), 20).apply(src, new Random(2));
             Mat cropped = AugmentOps.of(new Augmentation.RandomCrop(4), 20).apply(src, new Random(3))) {
            assertEquals(20, rotated.cols());
            assertEquals(12, rotated.rows());
            assertEquals(20, cropped.cols());
            assertEquals(12, cropped.rows());
            assertSame(src, AugmentOps.of(new Augmentation.RandomCrop(0), 20).apply(src, new Random(3)));
        }
    }

    @Test
    void randomCropShiftsByAtMostThePadding() throws IOException {
        // A single white pixel in the middle moves by at most 4 in each direction.
        java.awt.image.BufferedImage img = TestImages.gray(21, 21, 0);
        img.getRaster().setSample(10, 10, 0, 255);
        try (Mat src = load(img)) {
            for (int seed = 0; seed < 10; seed++) {
                try (Mat out = AugmentOps.of(new Augmentation.RandomCrop(4), 21).apply(src, new Random(seed))) {
                    int found = 0;
                    for (int y = 6; y <= 14; y++) {
                        for (int x = 6; x <= 14; x++) {
                            found += ImageDecoderTest.rgb(out, x, y)[0] == 255 ? 1 : 0;
                        }
                    }
                    assertEquals(1, found);
                }
            }
        }
    }

    @Test
    void colorJitterBrightnessScalesPixels() throws IOException {
        Augmentation.ColorJitter brightness = new Augmentation.ColorJitter(0.5, 0, 0);
        try (Mat src = load(TestImages.gray(4, 4, 100))) {
            boolean changed = false;
            for (int seed = 0; seed < 10; seed++) {
                try (Mat out = AugmentOps.of(brightness, 4).apply(src, new Random(seed))) {
                    int v = ImageDecoderTest.rgb(out, 1, 1)[0];
                    assertTrue(v >= 50 && v <= 150, "factor in [0.5, 1.5]: " + v);
                    changed |= v != 100;
                }
            }
            assertTrue(changed);
        }
    }

    @Test
    void saturationTowardsZeroGreysTheImage() throws IOException {
        // saturation 1.0 draws factors in [0, 2]: some draw lands near 0 and the channels come close together.
        try (Mat src = load(TestImages.halves(6, 6, 3, 0xFF0000, 0x00FF00))) {
            int closest = 255;
            for (int seed = 0; seed < 40; seed++) {
                try (Mat out = AugmentOps.colorJitter(src, new Random(seed), new Augmentation.ColorJitter(0, 0, 1.0))) {
                    assertEquals(6, out.cols());
                    int[] px = ImageDecoderTest.rgb(out, 1, 1);
                    closest = Math.min(closest, px[0] - px[1]);
                }
            }
            assertTrue(closest < 40, "spread " + closest);
            assertNotEquals(255, closest);
        }
    }

    @Test
    void gaussianBlurSmoothsNoise() throws IOException {
        try (Mat src = load(TestImages.noise(24, 24, 7));
             Mat out = AugmentOps.of(new Augmentation.GaussianBlur(List.of(2.0, 2.0), 1.0), 24).apply(src, new Random(1))) {
            assertTrue(variance(out) < variance(src) / 4, variance(out) + " vs " + variance(src));
        }
    }

    private static double variance(Mat m) {
        double sum = 0;
        double sq = 0;
        int n = 0;
        for (int y = 0; y < m.rows(); y++) {
            for (int x = 0; x < m.cols(); x++) {
                int v = ImageDecoderTest.rgb(m, x, y)[1];
                sum += v;
                sq += v * v;
                n++;
            }
        }
        return sq / n - (sum / n) * (sum / n);
    }

    @Test
    void evalGeometryResizesTheShorterSideAndCropsTheCentre() throws IOException {
        // 40x20: red | blue | red in thirds of 10/20/10 px; shorter side to 10 -> 20x10; centre 10x10 is blue.
        java.awt.image.BufferedImage img = TestImages.halves(40, 20, 10, 0xFF0000, 0x0000FF);
        for (int x = 30; x < 40; x++) {
            for (int y = 0; y < 20; y++) {
                img.setRGB(x, y, 0xFF0000);
            }
        }
        try (Mat src = load(img); Mat out = Geometry.resizeShorterAndCentreCrop(src, 10, 10)) {
            assertEquals(10, out.cols());
            assertEquals(10, out.rows());
            assertArrayEquals(new int[] {0, 0, 255}, ImageDecoderTest.rgb(out, 0, 5));
            assertArrayEquals(new int[] {0, 0, 255}, ImageDecoderTest.rgb(out, 9, 5));
        }
    }
}
