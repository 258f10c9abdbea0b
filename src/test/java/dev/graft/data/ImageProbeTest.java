package dev.graft.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageProbeTest {
    @TempDir
    Path dir;

    @Test
    void readsJpegSizeAndModeWithoutDecoding() throws IOException {
        Path rgb = TestImages.jpeg(dir.resolve("a.jpg"), TestImages.noise(40, 30, 1));
        ImageProbe.Result r = ImageProbe.probe(rgb);
        assertTrue(r.readable(), r.problem());
        assertEquals(new ImageInfo(ImageFormat.JPEG, 40, 30, "RGB", Files.size(rgb)), r.info());
        Path grey = TestImages.jpeg(dir.resolve("g.jpg"), TestImages.gray(12, 9, 50));
        assertEquals("L", ImageProbe.probe(grey).info().mode());
    }

    @Test
    void exifRotationSwapsTheReportedSize() throws IOException {
        Path f = dir.resolve("turned.jpg");
        Files.write(f, TestImages.withExifOrientation(TestImages.jpegBytes(TestImages.noise(40, 20, 2)), 6));
        ImageInfo info = ImageProbe.probe(f).info();
        assertEquals(20, info.width());
        assertEquals(40, info.height());
    }

    @Test
    void truncatedJpegIsUnreadable() throws IOException {
        Path f = dir.resolve("cut.jpg");
        Files.write(f, TestImages.truncated(TestImages.jpegBytes(TestImages.noise(64, 64, 3)), 0.6));
        ImageProbe.Result r = ImageProbe.probe(f);
        assertFalse(r.readable());
        assertTrue(r.problem().startsWith("truncated JPEG"), r.problem());
    }

    @Test
    void jpegCutInsideItsHeadersIsUnreadable() throws IOException {
        Path f = dir.resolve("stub.jpg");
        Files.write(f, TestImages.truncated(TestImages.jpegBytes(TestImages.noise(64, 64, 3)), 0.05));
        assertTrue(ImageProbe.probe(f).problem().startsWith("truncated JPEG"));
    }

    @Test
    void dataAfterTheEndMarkerIsFine() throws IOException {
        // Phones append a video or padding after the JPEG's end-of-image marker.
        byte[] jpeg = TestImages.jpegBytes(TestImages.noise(32, 32, 4));
        byte[] trailer = new byte[5000];
        new java.util.Random(5).nextBytes(trailer);
        for (int i = 0; i + 1 < trailer.length; i++) {
            if ((trailer[i] & 0xFF) == 0xFF && (trailer[i + 1] & 0xFF) == 0xD9) {
                trailer[i] = 0;
            }
        }
        Path f = dir.resolve("motion.jpg");
        Files.write(f, concat(jpeg, trailer));
        assertTrue(ImageProbe.probe(f).readable(), ImageProbe.probe(f).problem());
    }

    @Test
    void largeFilesAreCheckedFromHeadAndTail() throws IOException {
        byte[] jpeg = TestImages.jpegBytes(TestImages.noise(500, 400, 8));
        assertTrue(jpeg.length > ImageProbe.HEAD_BYTES, "bigger than the head read: " + jpeg.length);
        Path whole = dir.resolve("big.jpg");
        Files.write(whole, jpeg);
        assertEquals(500, ImageProbe.probe(whole).info().width());
        Path cut = dir.resolve("big-cut.jpg");
        Files.write(cut, TestImages.truncated(jpeg, 0.9));
        assertTrue(ImageProbe.probe(cut).problem().startsWith("truncated JPEG: no end-of-image"));
    }

    @Test
    void headersLongerThanTheHeadReadAreFollowed() throws IOException {
        // 70 KB of comment segments before the frame header (like big EXIF/XMP/ICC blocks from cameras).
        byte[] jpeg = TestImages.jpegBytes(TestImages.noise(16, 12, 9));
        byte[] segments = concat(comment(65_000), comment(5_000));
        byte[] big = concat(concat(java.util.Arrays.copyOf(jpeg, 2), segments),
                java.util.Arrays.copyOfRange(jpeg, 2, jpeg.length));
        Path f = dir.resolve("comment.jpg");
        Files.write(f, big);
        ImageProbe.Result r = ImageProbe.probe(f);
        assertTrue(r.readable(), r.problem());
        assertEquals(16, r.info().width());
        Path cut = dir.resolve("comment-cut.jpg");
        Files.write(cut, java.util.Arrays.copyOf(big, 66_000));
        assertEquals("truncated JPEG: ends inside its headers", ImageProbe.probe(cut).problem());
    }

    @Test
    void textNamedJpgIsNotAnImage() throws IOException {
        Path f = dir.resolve("notes.jpg");
        Files.writeString(f, "this is not a picture\n");
        ImageProbe.Result r = ImageProbe.probe(f);
        assertFalse(r.readable());
        assertTrue(r.problem().contains("not an image: the file holds text"), r.problem());
    }

    @Test
    void emptyAndBinaryJunkAreNotImages() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.png"));
        assertEquals("empty file (0 bytes)", ImageProbe.probe(empty).problem());
        Path junk = dir.resolve("junk.png");
        Files.write(junk, new byte[] {0, 1, 2, 3, (byte) 200, 5, 6, 7, 8});
        assertTrue(ImageProbe.probe(junk).problem().startsWith("not an image: unknown content (starts with 00 01"));
    }

    @Test
    void gifIsReportedAsUnsupported() throws IOException {
        Path f = dir.resolve("anim.gif");
        javax.imageio.ImageIO.write(TestImages.noise(8, 8, 6), "gif", f.toFile());
        ImageProbe.Result r = ImageProbe.probe(f);
        assertFalse(r.readable());
        assertTrue(r.problem().startsWith("GIF is not supported"), r.problem());
    }

    @Test
    void pngModesComeFromTheHeader() throws IOException {
        assertEquals("RGB", mode(TestImages.noise(5, 4, 1)));
        assertEquals("L", mode(TestImages.gray(5, 4, 9)));
        assertEquals("L;16", mode(TestImages.gray16(5, 4, 9)));
        assertEquals("RGBA", mode(TestImages.rgba(5, 4, 0x80FF0000)));
        assertEquals("P", mode(TestImages.palette(5, 4, new int[] {0xFF0000, 0x00FF00, 0x0000FF, 0xFFFFFF})));
        assertEquals("RGB;16", mode(TestImages.rgb16(5, 4, 1000, 2000, 3000)));
    }

    @Test
    void truncatedPngIsUnreadable() throws IOException {
        Path ok = TestImages.png(dir.resolve("ok.png"), TestImages.noise(30, 30, 7));
        Path cut = dir.resolve("cut.png");
        Files.write(cut, TestImages.truncated(Files.readAllBytes(ok), 0.7));
        assertTrue(ImageProbe.probe(cut).problem().startsWith("truncated PNG"), ImageProbe.probe(cut).problem());
    }

    @Test
    void otherFormatsAreDecodedOnce() throws IOException {
        Path bmp = dir.resolve("a.bmp");
        javax.imageio.ImageIO.write(TestImages.noise(7, 5, 8), "bmp", bmp.toFile());
        assertEquals(new ImageInfo(ImageFormat.BMP, 7, 5, "RGB", Files.size(bmp)), ImageProbe.probe(bmp).info());
        Path tif = dir.resolve("a.tif");
        Path png = TestImages.png(dir.resolve("for-tiff.png"), TestImages.noise(6, 3, 8));
        try (org.bytedeco.opencv.opencv_core.Mat m = ImageDecoder.readBgr(png, null, 0);
             org.bytedeco.javacpp.BytePointer encoded = new org.bytedeco.javacpp.BytePointer()) {
            assertTrue(org.bytedeco.opencv.global.opencv_imgcodecs.imencode(".tif", m, encoded));
            byte[] bytes = new byte[(int) encoded.limit()];
            encoded.get(bytes);
            Files.write(tif, bytes);
        }
        assertEquals(new ImageInfo(ImageFormat.TIFF, 6, 3, "RGB", Files.size(tif)), ImageProbe.probe(tif).info());
        Path pgm = dir.resolve("a.pgm");
        Files.write(pgm, concat("P5\n4 2\n255\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII), new byte[8]));
        assertEquals(new ImageInfo(ImageFormat.PNM, 4, 2, "L", Files.size(pgm)), ImageProbe.probe(pgm).info());
        Path badBmp = dir.resolve("bad.bmp");
        Files.write(badBmp, TestImages.truncated(Files.readAllBytes(bmp), 0.4));
        assertFalse(ImageProbe.probe(badBmp).readable());
    }

    private String mode(java.awt.image.BufferedImage img) throws IOException {
        Path f = TestImages.png(dir.resolve("m" + System.nanoTime() + ".png"), img);
        ImageProbe.Result r = ImageProbe.probe(f);
        assertTrue(r.readable(), r.problem());
        return r.info().mode();
    }

    /** A JPEG COM segment whose length field says {@code length} (16 bits, so at most 65535). */
    private static byte[] comment(int length) {
        byte[] segment = new byte[length + 2];
        segment[0] = (byte) 0xFF;
        segment[1] = (byte) 0xFE;
        segment[2] = (byte) (length >> 8);
        segment[3] = (byte) length;
        return segment;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
