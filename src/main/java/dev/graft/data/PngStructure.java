package dev.graft.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Structural check of a PNG file: the IHDR header, and a chunk chain that reaches {@code IEND}. */
final class PngStructure {
    private static final byte[] IEND = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82};

    private PngStructure() {
    }

    static ImageProbe.Result check(Path file, byte[] head, long size) throws IOException {
        if (head.length < 33) {
            return ImageProbe.Result.bad("truncated PNG: ends inside its header (" + size + " bytes)");
        }
        if (ImageProbe.u32be(head, 8) != 13 || !"IHDR".equals(new String(head, 12, 4, StandardCharsets.US_ASCII))) {
            return ImageProbe.Result.bad("corrupt PNG: no IHDR header");
        }
        long width = ImageProbe.u32be(head, 16);
        long height = ImageProbe.u32be(head, 20);
        int depth = head[24] & 0xFF;
        int colorType = head[25] & 0xFF;
        String mode = mode(colorType, depth);
        if (width == 0 || height == 0 || width > Integer.MAX_VALUE || height > Integer.MAX_VALUE || mode == null) {
            return ImageProbe.Result.bad("corrupt PNG: invalid header (" + width + "x" + height + ", colour type "
                    + colorType + ", depth " + depth + ")");
        }
        String chain = endsWithIend(file, head, size) ? null : walkChunks(Files.readAllBytes(file));
        if (chain != null) {
            return ImageProbe.Result.bad(chain);
        }
        return ImageProbe.Result.ok(new ImageInfo(ImageFormat.PNG, (int) width, (int) height, mode, size));
    }

    private static boolean endsWithIend(Path file, byte[] head, long size) throws IOException {
        if (size < IEND.length) {
            return false;
        }
        byte[] tail = size == head.length
                ? java.util.Arrays.copyOfRange(head, head.length - IEND.length, head.length)
                : ImageProbe.readTail(file, size, IEND.length);
        return java.util.Arrays.equals(tail, IEND);
    }

    /** Null when the chain of chunks reaches IEND after some IDAT; otherwise what is wrong. */
    static String walkChunks(byte[] all) {
        long pos = 8;
        boolean sawData = false;
        while (pos + 8 <= all.length) {
            long length = ImageProbe.u32be(all, (int) pos);
            String type = new String(all, (int) pos + 4, 4, StandardCharsets.US_ASCII);
            if (type.equals("IEND")) {
                return sawData ? null : "corrupt PNG: no image data (IDAT)";
            }
            sawData |= type.equals("IDAT");
            pos += 12 + length;
        }
        return "truncated PNG: no IEND chunk (the file was cut short)";
    }

    private static String mode(int colorType, int depth) {
        String base = switch (colorType) {
            case 0 -> "L";
            case 2 -> "RGB";
            case 3 -> "P";
            case 4 -> "LA";
            case 6 -> "RGBA";
            default -> null;
        };
        boolean validDepth = depth == 8 || depth == 16 || (depth < 8 && (colorType == 0 || colorType == 3)
                && (depth == 1 || depth == 2 || depth == 4));
        if (base == null || !validDepth) {
            return null;
        }
        return depth == 8 || colorType == 3 ? base : base + ";" + depth;
    }
}
