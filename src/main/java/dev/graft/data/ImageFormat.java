package dev.graft.data;

import java.util.Locale;

/**
 * Image container formats recognised from a file's first bytes (never from its name). The pipeline decodes
 * with OpenCV, which reads every format here except {@link #GIF}.
 */
public enum ImageFormat {
    JPEG, PNG, BMP, TIFF, WEBP, PNM, JPEG2000, GIF;

    /** Whether the decoder can read this format. */
    public boolean supported() {
        return this != GIF;
    }

    /** The format named by a file's magic bytes, or null when none matches. */
    static ImageFormat sniff(byte[] head, int length) {
        if (startsWith(head, length, 0xFF, 0xD8, 0xFF)) {
            return JPEG;
        }
        if (startsWith(head, length, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return PNG;
        }
        if (startsWith(head, length, 'G', 'I', 'F', '8')) {
            return GIF;
        }
        if (startsWith(head, length, 'B', 'M') && length >= 26) {
            return BMP;
        }
        if (startsWith(head, length, 'I', 'I', 42, 0) || startsWith(head, length, 'M', 'M', 0, 42)) {
            return TIFF;
        }
        if (startsWith(head, length, 'R', 'I', 'F', 'F') && length >= 12
                && head[8] == 'W' && head[9] == 'E' && head[10] == 'B' && head[11] == 'P') {
            return WEBP;
        }
        if (length >= 3 && head[0] == 'P' && head[1] >= '1' && head[1] <= '6' && Character.isWhitespace(head[2])) {
            return PNM;
        }
        if (startsWith(head, length, 0, 0, 0, 0x0C, 'j', 'P', ' ', ' ') || startsWith(head, length, 0xFF, 0x4F, 0xFF, 0x51)) {
            return JPEG2000;
        }
        return null;
    }

    private static boolean startsWith(byte[] head, int length, int... magic) {
        if (length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((head[i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
