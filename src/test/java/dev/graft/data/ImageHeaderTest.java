package dev.graft.data;

import dev.graft.testing.PngBomb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Width and height from the header of every format the decoder reads, and the data scan's skip of image bombs. */
class ImageHeaderTest {
    static final int W = 37;
    static final int H = 23;

    @TempDir
    Path dir;

    static byte[] imageIo(String format) throws IOException {
        BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        image.setRGB(5, 6, 0x336699);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, format, out), format);
        return out.toByteArray();
    }

    static void assertSize(long width, long height, byte[] bytes, String what) {
        ImageHeader.Size size = ImageHeader.read(bytes, bytes.length);
        assertEquals(new ImageHeader.Size(width, height), size, what);
    }

    @Test
    void readsTheSizeOfEveryDecodableFormatWithoutDecoding() throws IOException {
        for (String format : new String[] {"png", "jpg", "bmp", "gif", "tiff"}) {
            assertSize(W, H, imageIo(format), format);
        }
        assertSize(W, H, ("P6\n# made by a test\n" + W + " " + H + "\n255\n").getBytes(StandardCharsets.US_ASCII),
                "PNM with a comment");
        ByteBuffer vp8x = ByteBuffer.allocate(30).order(ByteOrder.LITTLE_ENDIAN).put("RIFF".getBytes())
                .putInt(22).put("WEBPVP8X".getBytes()).putInt(10).putInt(0);
        vp8x.put(24, (byte) (W - 1)).put(27, (byte) (H - 1));
        assertSize(W, H, vp8x.array(), "WebP VP8X");
        ByteBuffer vp8l = ByteBuffer.allocate(30).order(ByteOrder.LITTLE_ENDIAN).put("RIFF".getBytes())
                .putInt(22).put("WEBPVP8L".getBytes()).putInt(10).put((byte) 0x2F)
                .putInt((W - 1) | ((H - 1) << 14));
        assertSize(W, H, vp8l.array(), "WebP VP8L");
        ByteBuffer j2k = ByteBuffer.allocate(40).put(new byte[] {(byte) 0xFF, 0x4F, (byte) 0xFF, 0x51})
                .putShort((short) 41).putShort((short) 0).putInt(W + 3).putInt(H + 5).putInt(3).putInt(5);
        assertSize(W, H, j2k.array(), "JPEG 2000 codestream (image offset subtracted)");
        assertNull(ImageHeader.read(new byte[] {'h', 'e', 'l', 'l', 'o'}, 5), "not an image");
        byte[] png = imageIo("png");
        assertNull(ImageHeader.read(png, 20), "a header cut short");
    }

    @Test
    void aJpegWhoseFrameHeaderComesAfterLargeMetadataIsReadFromTheWholeFile() throws IOException {
        byte[] jpeg = imageIo("jpg");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        for (int i = 0; i < 3; i++) { // three 60 KiB APP2 segments push the frame header past the first 64 KiB
            out.write(new byte[] {(byte) 0xFF, (byte) 0xE2, (byte) 0xF0, 0x00});
            out.write(new byte[0xF000 - 2]);
        }
        out.write(jpeg, 2, jpeg.length - 2);
        Path file = Files.write(dir.resolve("metadata.jpg"), out.toByteArray());
        assertEquals(new ImageHeader.Size(W, H), ImageHeader.read(file));
    }

    @Test
    void aTooLargeTrainingImageIsSkippedWithTheReasonBeforeDecoding() throws IOException {
        Path bomb = Files.write(dir.resolve("bomb.png"), PngBomb.grey1(20_000, 20_000));
        ImageProbe.Result result = ImageProbe.probe(bomb);
        assertFalse(result.readable());
        assertEquals("image too large: 20000 x 20000 pixels (400 MP) is over the limit of 200 MP; downscale it",
                result.problem());
        Path fine = Files.write(dir.resolve("fine.png"), PngBomb.grey1(2_000, 1_000));
        assertTrue(ImageProbe.probe(fine).readable(), "2 MP is within the limit");
        assertNull(ImageHeader.tooLarge(new ImageHeader.Size(10_000, 20_000), ImageHeader.TRAINING_MAX_PIXELS),
                "exactly at the limit is accepted");
    }
}
