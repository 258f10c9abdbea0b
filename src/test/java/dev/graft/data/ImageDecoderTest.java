package dev.graft.data;

import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every input kind becomes 8-bit 3-channel colour with the right values. */
class ImageDecoderTest {
    @TempDir
    Path dir;

    @Test
    void grayscaleBecomesThreeEqualChannels() throws IOException {
        assertArrayEquals(new int[] {90, 90, 90}, rgbAt(TestImages.png(dir.resolve("g.png"), TestImages.gray(6, 4, 90))));
    }

    @Test
    void sixteenBitSamplesAreScaledToEightBits() throws IOException {
        assertArrayEquals(new int[] {100, 100, 100},
                rgbAt(TestImages.png(dir.resolve("g16.png"), TestImages.gray16(6, 4, 100 * 256))));
        assertArrayEquals(new int[] {10, 20, 250},
                rgbAt(TestImages.png(dir.resolve("c16.png"), TestImages.rgb16(6, 4, 10 * 256, 20 * 256, 250 * 256))));
    }

    @Test
    void alphaIsDropped() throws IOException {
        assertArrayEquals(new int[] {200, 10, 20},
                rgbAt(TestImages.png(dir.resolve("a.png"), TestImages.rgba(6, 4, 0x80C80A14))));
    }

    @Test
    void paletteIsExpanded() throws IOException {
        int[] colours = {0xFF0000, 0x00FF00, 0x0000FF, 0x102030};
        Path f = TestImages.png(dir.resolve("p.png"), TestImages.palette(8, 2, colours));
        try (Mat m = ImageDecoder.readBgr(f, null, 0)) {
            assertEquals(3, m.channels());
            for (int x = 0; x < 4; x++) {
                int c = colours[x];
                assertArrayEquals(new int[] {c >> 16 & 255, c >> 8 & 255, c & 255}, rgb(m, x, 1));
            }
        }
    }

    @Test
    void adobeCmykJpegBecomesRgb() throws IOException {
        Path f = dir.resolve("cmyk.jpg");
        Files.write(f, TestImages.cmykJpeg(16, 16, 0, 255, 255, 0)); // magenta + yellow ink = red
        assertEquals("CMYK", ImageProbe.probe(f).info().mode());
        int[] px = rgbAt(f);
        assertTrue(px[0] > 220 && px[1] < 40 && px[2] < 40, java.util.Arrays.toString(px));
    }

    @Test
    void exifOrientationIsApplied() throws IOException {
        // 40x20, left quarter red, rest blue; orientation 6 = rotate 90 degrees clockwise for display.
        BufferedImage img = TestImages.halves(40, 20, 10, 0xFF0000, 0x0000FF);
        Path f = dir.resolve("exif.jpg");
        Files.write(f, TestImages.withExifOrientation(TestImages.jpegBytes(img), 6));
        try (Mat m = ImageDecoder.readBgr(f, null, 0)) {
            assertEquals(20, m.cols());
            assertEquals(40, m.rows());
            assertTrue(rgb(m, 10, 2)[0] > 200, "red on top after rotating clockwise");
            assertTrue(rgb(m, 10, 37)[2] > 200, "blue at the bottom");
        }
    }

    @Test
    void largeJpegsDecodeReducedWhenThatStillCoversTheNeed() throws IOException {
        Path f = TestImages.jpeg(dir.resolve("big.jpg"), TestImages.noise(400, 320, 9));
        ImageInfo info = ImageProbe.probe(f).info();
        try (Mat quarter = ImageDecoder.readBgr(f, info, 80); Mat full = ImageDecoder.readBgr(f, info, 300)) {
            assertEquals(100, quarter.cols());
            assertEquals(80, quarter.rows());
            assertEquals(400, full.cols());
        }
    }

    @Test
    void undecodableBytesThrow() throws IOException {
        Path f = dir.resolve("x.png");
        Files.writeString(f, "nope");
        assertThrows(IOException.class, () -> ImageDecoder.readBgr(f, null, 0));
    }

    private static int[] rgbAt(Path file) throws IOException {
        try (Mat m = ImageDecoder.readBgr(file, null, 0)) {
            assertEquals(3, m.channels());
            assertEquals(org.bytedeco.opencv.global.opencv_core.CV_8U, m.depth());
            return rgb(m, 1, 1);
        }
    }

    static int[] rgb(Mat bgr, int x, int y) {
        org.bytedeco.javacpp.BytePointer p = bgr.ptr(y, x);
        return new int[] {p.get(2) & 255, p.get(1) & 255, p.get(0) & 255};
    }
}
