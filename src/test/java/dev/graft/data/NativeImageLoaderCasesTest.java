package dev.graft.data;

import org.bytedeco.opencv.opencv_core.Mat;
import org.datavec.image.loader.NativeImageLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Why Graft decodes with its own {@link ImageDecoder} (README, "Graft's data in your own DL4J code"): on the input
 * kinds the data tests cover, DataVec's {@link NativeImageLoader} (as {@code ImageRecordReader} uses it) agrees
 * with Graft except on 16-bit images, whose samples it keeps at 0..65535. If a DataVec upgrade changes that, this
 * test fails: update the README's verdict and reconsider the choice.
 */
class NativeImageLoaderCasesTest {
    @TempDir
    Path dir;

    /** RGB at (x, y) as NativeImageLoader(h, w, 3) gives it: a [1, 3, h, w] float tensor in BGR order. */
    private static double[] loaderRgb(Path file, int h, int w, int x, int y) throws IOException {
        INDArray a = new NativeImageLoader(h, w, 3).asMatrix(file.toFile());
        assertArrayEquals(new long[] {1, 3, h, w}, a.shape());
        return new double[] {a.getDouble(0, 2, y, x), a.getDouble(0, 1, y, x), a.getDouble(0, 0, y, x)};
    }

    /** RGB at (x, y) as Graft decodes it. */
    private static double[] graftRgb(Path file, int x, int y) throws IOException {
        try (Mat m = ImageDecoder.readBgr(file, null, 0)) {
            var p = m.ptr(y, x);
            return new double[] {p.get(2) & 0xFF, p.get(1) & 0xFF, p.get(0) & 0xFF};
        }
    }

    private static void assertBothGive(double[] expected, Path file, int h, int w, int x, int y) throws IOException {
        assertArrayEquals(expected, graftRgb(file, x, y), 2, "Graft on " + file.getFileName());
        assertArrayEquals(expected, loaderRgb(file, h, w, x, y), 2, "NativeImageLoader on " + file.getFileName());
    }

    @Test
    void greyRgbaPaletteAndCmykAgree() throws IOException {
        assertBothGive(new double[] {90, 90, 90}, TestImages.png(dir.resolve("g.png"), TestImages.gray(6, 4, 90)),
                4, 6, 1, 1);
        assertBothGive(new double[] {200, 10, 20},
                TestImages.png(dir.resolve("a.png"), TestImages.rgba(6, 4, 0x80C80A14)), 4, 6, 1, 1);
        Path palette = TestImages.png(dir.resolve("p.png"),
                TestImages.palette(8, 2, new int[] {0xFF0000, 0x00FF00, 0x0000FF, 0x102030}));
        assertBothGive(new double[] {0, 255, 0}, palette, 2, 8, 1, 1);
        assertBothGive(new double[] {0x10, 0x20, 0x30}, palette, 2, 8, 3, 1);
        Path cmyk = dir.resolve("cmyk.jpg");
        Files.write(cmyk, TestImages.cmykJpeg(16, 16, 0, 255, 255, 0)); // magenta + yellow ink = red
        assertBothGive(new double[] {255, 0, 0}, cmyk, 16, 16, 8, 8);
    }

    @Test
    void exifRotationAgrees() throws IOException {
        // 40x20, left quarter red, rest blue; orientation 6: rotate 90 degrees clockwise, so red ends on top.
        BufferedImage img = TestImages.halves(40, 20, 10, 0xFF0000, 0x0000FF);
        Path f = dir.resolve("exif.jpg");
        Files.write(f, TestImages.withExifOrientation(TestImages.jpegBytes(img), 6));
        INDArray raw = new NativeImageLoader().asMatrix(f.toFile());
        assertArrayEquals(new long[] {1, 3, 40, 20}, raw.shape(), "displayed 20 wide, 40 high");
        assertTrue(loaderRgb(f, 40, 20, 10, 2)[0] > 200 && graftRgb(f, 10, 2)[0] > 200, "red on top");
        assertTrue(loaderRgb(f, 40, 20, 10, 37)[2] > 200 && graftRgb(f, 10, 37)[2] > 200, "blue at the bottom");
    }

    @Test
    void sixteenBitSamplesStay16BitInNativeImageLoaderOnly() throws IOException {
        Path grey16 = TestImages.png(dir.resolve("g16.png"), TestImages.gray16(6, 4, 100 * 256));
        assertArrayEquals(new double[] {100, 100, 100}, graftRgb(grey16, 1, 1), 0, "Graft scales to 8 bits");
        assertEquals(25600, loaderRgb(grey16, 4, 6, 1, 1)[0], 0, "NativeImageLoader keeps the 16-bit sample");
        Path rgb16 = TestImages.png(dir.resolve("c16.png"), TestImages.rgb16(6, 4, 10 * 256, 20 * 256, 250 * 256));
        assertArrayEquals(new double[] {10, 20, 250}, graftRgb(rgb16, 1, 1), 0);
        assertArrayEquals(new double[] {2560, 5120, 64000}, loaderRgb(rgb16, 4, 6, 1, 1), 0);
    }
}
