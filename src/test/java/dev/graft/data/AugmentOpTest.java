package dev.graft.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.config.Augmentation;
import dev.graft.config.ConfigErrors;
import dev.graft.config.RecordBinder;
import dev.graft.config.YamlFiles;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each augmentation op: bound from YAML like a config file, and on small images, checked on pixels. */
class AugmentOpTest {
    @TempDir
    Path dir;

    private Mat load(java.awt.image.BufferedImage img) throws IOException {
        return ImageDecoder.readBgr(TestImages.png(dir.resolve(System.nanoTime() + ".png"), img), null, 0);
    }

    /** Binds one {@code data.augment} item the way a config file does; fails on any config error. */
    private static Augmentation bind(String yaml) {
        ConfigErrors errors = new ConfigErrors();
        JsonNode node = YamlFiles.parseMapping("op: " + yaml, "test").get("op");
        Augmentation bound = Augmentation.fromYaml(node, "data.augment[0]", errors, new RecordBinder());
        assertTrue(errors.isEmpty(), yaml + ": " + errors.list());
        return bound;
    }

    @Test
    void everyOpBindsFromItsNameShorthandAndMappingAndWritesItselfBack() {
        assertEquals(List.of("random_resized_crop", "hflip", "vflip", "rotate", "color_jitter", "random_crop",
                "grayscale", "gaussian_blur", "randaugment", "trivialaugment", "random_erasing"), List.copyOf(Augmentation.OPS.keySet()));
        for (Map.Entry<String, Class<? extends Augmentation>> e : Augmentation.OPS.entrySet()) {
            String name = e.getKey();
            Augmentation defaults = (Augmentation) RecordBinder.defaultsOf(e.getValue().asSubclass(Record.class));
            assertEquals(name, defaults.op());
            assertEquals(defaults, bind(name), name + " alone means its defaults");
            String mapping = YamlFiles.toYaml(defaults.yaml()).replace("---", "").trim();
            assertEquals(defaults, bind("\n  " + mapping.replace("\n", "\n  ")), "written back and read: " + mapping);
            String shorthand = Augmentation.spec(e.getValue()).shorthand();
            if (!shorthand.isEmpty()) {
                Object value = ((Map<?, ?>) defaults.yaml().get(name)).get(shorthand);
                assertTrue(value != null, name + ": shorthand " + shorthand + " is not a parameter");
                assertEquals(defaults, bind("{" + name + ": " + value + "}"), name + " shorthand");
            }
        }
    }

    @Test
    void hflipMirrorsColumns() throws IOException {
        try (Mat src = load(TestImages.halves(8, 4, 2, 0xFF0000, 0x0000FF));
             Mat out = new AugmentOp.HFlip(1.0).apply(src, new Random(1), 8)) {
            assertArrayEquals(new int[] {0, 0, 255}, ImageDecoderTest.rgb(out, 0, 0));
            assertArrayEquals(new int[] {255, 0, 0}, ImageDecoderTest.rgb(out, 7, 3));
            assertArrayEquals(new int[] {255, 0, 0}, ImageDecoderTest.rgb(out, 6, 1));
            assertArrayEquals(new int[] {0, 0, 255}, ImageDecoderTest.rgb(out, 5, 1));
        }
    }

    @Test
    void flipsWithProbabilityZeroLeaveTheImage() throws IOException {
        try (Mat src = load(TestImages.noise(4, 4, 1))) {
            assertSame(src, new AugmentOp.HFlip(0).apply(src, new Random(1), 4));
            assertSame(src, new AugmentOp.VFlip(0).apply(src, new Random(1), 4));
        }
    }

    @Test
    void vflipMirrorsRows() throws IOException {
        java.awt.image.BufferedImage img = TestImages.noise(3, 5, 2);
        try (Mat src = load(img); Mat out = new AugmentOp.VFlip(1.0).apply(src, new Random(1), 3)) {
            assertArrayEquals(ImageDecoderTest.rgb(src, 1, 0), ImageDecoderTest.rgb(out, 1, 4));
        }
    }

    @Test
    void grayscaleKeepsThreeEqualChannels() throws IOException {
        try (Mat src = load(TestImages.noise(5, 5, 3));
             Mat out = new AugmentOp.Grayscale(1.0).apply(src, new Random(1), 5)) {
            assertEquals(3, out.channels());
            int[] px = ImageDecoderTest.rgb(out, 2, 2);
            assertEquals(px[0], px[1]);
            assertEquals(px[1], px[2]);
        }
    }

    /** R = 4x and G = 4y (clamped to 255), so a pixel's colour says where in the source it came from. */
    private static java.awt.image.BufferedImage coordinates(int w, int h, int stepX, int stepY) {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(w, h,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, Math.min(255, stepX * x) << 16 | Math.min(255, stepY * y) << 8);
            }
        }
        return img;
    }

    @Test
    void randomResizedCropTakesAnAreaOfTheGivenScaleAtRandomPlaces() throws IOException {
        // 64x64 coordinates image, a quarter of the area at aspect 1: a 32x32 window shrunk to 16x16, so the
        // output spans about half the source's x and y range (120 of 252), at an offset that varies by seed.
        AugmentOp.RandomResizedCrop quarter = new AugmentOp.RandomResizedCrop(List.of(0.25, 0.25),
                List.of(1.0, 1.0));
        java.util.Set<Integer> offsets = new java.util.HashSet<>();
        try (Mat src = load(coordinates(64, 64, 4, 4))) {
            for (int seed = 0; seed < 10; seed++) {
                try (Mat out = quarter.apply(src, new Random(seed), 16)) {
                    assertEquals(16, out.cols());
                    assertEquals(16, out.rows());
                    int spanX = ImageDecoderTest.rgb(out, 15, 8)[0] - ImageDecoderTest.rgb(out, 0, 8)[0];
                    int spanY = ImageDecoderTest.rgb(out, 8, 15)[1] - ImageDecoderTest.rgb(out, 8, 0)[1];
                    assertTrue(spanX > 100 && spanX < 130, "x span " + spanX);
                    assertTrue(spanY > 100 && spanY < 130, "y span " + spanY);
                    offsets.add(ImageDecoderTest.rgb(out, 0, 0)[0]);
                }
            }
        }
        assertTrue(offsets.size() > 3, "crop position should vary with the seed: " + offsets);
    }

    @Test
    void randomResizedCropFollowsTheAspectRatio() throws IOException {
        // Half the area at aspect 2 of a 64x64 image is the full width and half the height.
        AugmentOp.RandomResizedCrop wideHalf = new AugmentOp.RandomResizedCrop(List.of(0.5, 0.5),
                List.of(2.0, 2.0));
        try (Mat src = load(coordinates(64, 64, 4, 4));
             Mat out = wideHalf.apply(src, new Random(3), 16)) {
            int spanX = ImageDecoderTest.rgb(out, 15, 8)[0] - ImageDecoderTest.rgb(out, 0, 8)[0];
            int spanY = ImageDecoderTest.rgb(out, 8, 15)[1] - ImageDecoderTest.rgb(out, 8, 0)[1];
            assertTrue(spanX > 220, "x span " + spanX);
            assertTrue(spanY > 100 && spanY < 130, "y span " + spanY);
        }
    }

    @Test
    void randomResizedCropFallsBackToACentreCropClampedToTheRatio() throws IOException {
        // 50x30 cannot hold the whole area at aspect 3..4: the fallback keeps the full width and the centred
        // rows 6..22 (50 / 3 = 17 rows), so G (8 per row) runs from about 48 to 176 instead of 0 to 232.
        AugmentOp.RandomResizedCrop wide = new AugmentOp.RandomResizedCrop(List.of(1.0, 1.0),
                List.of(3.0, 4.0));
        try (Mat src = load(coordinates(50, 30, 5, 8));
             Mat out = wide.apply(src, new Random(1), 16)) {
            assertEquals(16, out.cols());
            assertEquals(16, out.rows());
            int top = ImageDecoderTest.rgb(out, 8, 0)[1];
            int bottom = ImageDecoderTest.rgb(out, 8, 15)[1];
            assertTrue(Math.abs(top - 52) <= 8, "top row G " + top);
            assertTrue(Math.abs(bottom - 172) <= 8, "bottom row G " + bottom);
            assertTrue(ImageDecoderTest.rgb(out, 15, 8)[0] - ImageDecoderTest.rgb(out, 0, 8)[0] > 200);
        }
    }

    /** A black square image with a white 3x3 spot centred {@code radius} px right of the centre. */
    private Mat spotRightOfCentre(int size, int radius) throws IOException {
        java.awt.image.BufferedImage img = TestImages.gray(size, size, 0);
        int c = size / 2;
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                img.getRaster().setSample(c + radius + dx, c + dy, 0, 255);
            }
        }
        return load(img);
    }

    /** The spot's angle around the centre in degrees, counter-clockwise as seen on screen, and its radius. */
    private static double[] spotPolar(Mat m) {
        double sum = 0;
        double sx = 0;
        double sy = 0;
        for (int y = 0; y < m.rows(); y++) {
            for (int x = 0; x < m.cols(); x++) {
                int v = ImageDecoderTest.rgb(m, x, y)[0];
                sum += v;
                sx += v * x;
                sy += v * y;
            }
        }
        double dx = sx / sum - (m.cols() - 1) / 2.0;
        double dy = sy / sum - (m.rows() - 1) / 2.0;
        return new double[] {Math.toDegrees(Math.atan2(-dy, dx)), Math.hypot(dx, dy)};
    }

    @Test
    void rotateByNinetyDegreesTurnsCounterClockwise() throws IOException {
        try (Mat src = spotRightOfCentre(21, 6); Mat out = AugmentOp.Rotate.rotated(src, 90)) {
            assertEquals(21, out.cols());
            assertEquals(21, out.rows());
            assertArrayEquals(new int[] {255, 255, 255}, ImageDecoderTest.rgb(out, 10, 4), "spot now above");
            assertArrayEquals(new int[] {0, 0, 0}, ImageDecoderTest.rgb(out, 16, 10), "old place empty");
        }
    }

    @Test
    void rotateTurnsByARandomAngleWithinTheRange() throws IOException {
        double largest = 0;
        boolean both = false;
        double first = 0;
        Random seeds = new Random(42);
        try (Mat src = spotRightOfCentre(41, 8)) {
            for (int i = 0; i < 20; i++) {
                try (Mat out = new AugmentOp.Rotate(30).apply(src, new Random(seeds.nextLong()), 41)) {
                    assertEquals(41, out.cols());
                    double[] polar = spotPolar(out);
                    assertTrue(Math.abs(polar[0]) <= 31, "angle " + polar[0]);
                    assertEquals(8, polar[1], 1.0, "the spot stays at its distance from the centre");
                    largest = Math.max(largest, Math.abs(polar[0]));
                    first = i == 0 ? polar[0] : first;
                    both |= Math.signum(polar[0]) != Math.signum(first);
                }
            }
        }
        assertTrue(largest > 15, "largest angle " + largest);
        assertTrue(both, "angles of both signs");
    }

    @Test
    void randomCropKeepsTheSizeAndZeroPaddingLeavesTheImage() throws IOException {
        try (Mat src = load(TestImages.noise(20, 12, 5));
             Mat cropped = new AugmentOp.RandomCrop(4).apply(src, new Random(3), 20)) {
            assertEquals(20, cropped.cols());
            assertEquals(12, cropped.rows());
            assertSame(src, new AugmentOp.RandomCrop(0).apply(src, new Random(3), 20));
        }
    }

    @Test
    void randomCropShiftsByAtMostThePadding() throws IOException {
        // A single white pixel in the middle moves by at most 4 in each direction.
        java.awt.image.BufferedImage img = TestImages.gray(21, 21, 0);
        img.getRaster().setSample(10, 10, 0, 255);
        try (Mat src = load(img)) {
            for (int seed = 0; seed < 10; seed++) {
                try (Mat out = new AugmentOp.RandomCrop(4).apply(src, new Random(seed), 21)) {
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
        AugmentOp.ColorJitter brightness = new AugmentOp.ColorJitter(0.5, 0, 0);
        try (Mat src = load(TestImages.gray(4, 4, 100))) {
            boolean changed = false;
            for (int seed = 0; seed < 10; seed++) {
                try (Mat out = brightness.apply(src, new Random(seed), 4)) {
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
                try (Mat out = new AugmentOp.ColorJitter(0, 0, 1.0).apply(src, new Random(seed), 6)) {
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
             Mat out = new AugmentOp.GaussianBlur(List.of(2.0, 2.0), 1.0).apply(src, new Random(1), 24)) {
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
