package dev.graft.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * A valid PNG of all-black pixels that is small as a file and huge decoded (an "image bomb"): 20000 x 20000 RGB is
 * about 1.2 MB here and 1.2 GB in memory; in 1-bit grey it is 50 KB and made in a fraction of a second.
 */
public final class PngBomb {
    private PngBomb() {
    }

    /** {@code width x height} pixels, 1-bit grey. */
    public static byte[] grey1(int width, int height) {
        return png(width, height, 1, 0, (width + 7) / 8);
    }

    /** {@code width x height} pixels, 8-bit RGB (as the bomb). */
    public static byte[] rgb8(int width, int height) {
        return png(width, height, 8, 2, 3 * width);
    }

    private static byte[] png(int width, int height, int bitDepth, int colourType, int rowBytes) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
            chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) bitDepth)
                    .put((byte) colourType).put((byte) 0).put((byte) 0).put((byte) 0).array());
            ByteArrayOutputStream idat = new ByteArrayOutputStream();
            try (OutputStream z = new DeflaterOutputStream(idat, new Deflater(Deflater.BEST_COMPRESSION), 1 << 16)) {
                byte[] row = new byte[1 + rowBytes]; // filter type 0, then zeros
                for (int y = 0; y < height; y++) {
                    z.write(row);
                }
            }
            chunk(out, "IDAT", idat.toByteArray());
            chunk(out, "IEND", new byte[0]);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(name);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
