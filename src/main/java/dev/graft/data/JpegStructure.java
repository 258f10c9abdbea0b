package dev.graft.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Structural check of a JPEG file without decoding it: walks the marker segments up to the first scan
 * (reading the frame header, EXIF orientation and Adobe colour transform on the way) and requires an
 * end-of-image marker. Decoders accept truncated JPEGs and fill the missing part with grey, so this is what
 * catches a cut-short download.
 */
final class JpegStructure {
    private static final int TAIL_BYTES = 1024;

    private JpegStructure() {
    }

    /** Header facts; {@code problem} or {@code needMore} when they could not be read. */
    private record Header(int sof, int precision, int width, int height, int components, int orientation,
                          int adobeTransform, long scanStart, String problem, boolean needMore) {
        static Header failed(String problem) {
            return new Header(0, 0, 0, 0, 0, 1, -1, 0, problem, false);
        }
    }

    static ImageProbe.Result check(Path file, byte[] head, long size) throws IOException {
        byte[] bytes = head;
        Header h = parse(bytes, size);
        if (h.needMore()) {
            bytes = Files.readAllBytes(file);
            h = parse(bytes, size);
        }
        if (h.problem() != null) {
            return ImageProbe.Result.bad(h.problem());
        }
        if (!hasEndMarker(file, bytes, size, h.scanStart())) {
            return ImageProbe.Result.bad("truncated JPEG: no end-of-image marker (the file was cut short)");
        }
        boolean common = (h.sof() == 0xC0 || h.sof() == 0xC1 || h.sof() == 0xC2) && h.precision() == 8
                && h.width() > 0 && h.height() > 0
                && (h.components() == 1 || h.components() == 3 || h.components() == 4);
        if (!common) { // arithmetic, lossless, 12-bit, ...: let the decoder decide
            return ImageProbe.decodeCheck(file, ImageFormat.JPEG, size);
        }
        boolean turned = h.orientation() >= 5 && h.orientation() <= 8;
        String mode = switch (h.components()) {
            case 1 -> "L";
            case 3 -> "RGB";
            default -> h.adobeTransform() == 2 ? "YCCK" : "CMYK";
        };
        return ImageProbe.Result.ok(new ImageInfo(ImageFormat.JPEG, turned ? h.height() : h.width(),
                turned ? h.width() : h.height(), mode, size));
    }

    private static Header parse(byte[] b, long size) {
        int n = b.length;
        boolean partial = n < size;
        int pos = 2;
        int sof = 0;
        int precision = 0;
        int width = 0;
        int height = 0;
        int components = 0;
        int orientation = 1;
        int adobe = -1;
        while (true) {
            if (pos + 4 > n) {
                return partial ? new Header(0, 0, 0, 0, 0, 1, -1, 0, null, true)
                        : Header.failed("truncated JPEG: ends inside its headers");
            }
            if ((b[pos] & 0xFF) != 0xFF) {
                return Header.failed("corrupt JPEG: no marker at byte " + pos);
            }
            while (pos < n - 1 && (b[pos] & 0xFF) == 0xFF) {
                pos++;
            }
            int marker = b[pos++] & 0xFF;
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                continue;
            }
            if (marker == 0xD9) {
                return Header.failed("corrupt JPEG: ends before any image data");
            }
            int length = ImageProbe.u16be(b, pos);
            if (length < 2) {
                return Header.failed("corrupt JPEG: bad segment length at byte " + pos);
            }
            int payload = pos + 2;
            int end = pos + length;
            if (end > n) {
                return partial ? new Header(0, 0, 0, 0, 0, 1, -1, 0, null, true)
                        : Header.failed("truncated JPEG: ends inside its headers");
            }
            if (isFrameHeader(marker) && length >= 8) {
                sof = marker;
                precision = b[payload] & 0xFF;
                height = ImageProbe.u16be(b, payload + 1);
                width = ImageProbe.u16be(b, payload + 3);
                components = b[payload + 5] & 0xFF;
            } else if (marker == 0xE1 && startsWith(b, payload, end, "Exif\0\0")) {
                orientation = exifOrientation(b, payload + 6, end);
            } else if (marker == 0xEE && startsWith(b, payload, end, "Adobe") && length >= 14) {
                adobe = b[payload + 11] & 0xFF;
            } else if (marker == 0xDA) {
                if (sof == 0) {
                    return Header.failed("corrupt JPEG: no frame header before the image data");
                }
                return new Header(sof, precision, width, height, components, orientation, adobe, end, null, false);
            }
            pos = end;
        }
    }

    private static boolean isFrameHeader(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    private static boolean startsWith(byte[] b, int from, int end, String text) {
        if (from + text.length() > end) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (b[from + i] != (byte) text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The EXIF orientation tag (1-8) of the TIFF structure at {@code tiff}; 1 when absent or unreadable. */
    static int exifOrientation(byte[] b, int tiff, int end) {
        if (tiff + 8 > end) {
            return 1;
        }
        boolean little = b[tiff] == 'I';
        long ifd = little ? le32(b, tiff + 4) : ImageProbe.u32be(b, tiff + 4);
        long entries = tiff + ifd;
        if (ifd < 8 || entries + 2 > end) {
            return 1;
        }
        int count = little ? le16(b, (int) entries) : ImageProbe.u16be(b, (int) entries);
        for (int k = 0; k < count; k++) {
            int e = (int) entries + 2 + 12 * k;
            if (e + 12 > end) {
                break;
            }
            int tag = little ? le16(b, e) : ImageProbe.u16be(b, e);
            if (tag == 0x0112) {
                int value = little ? le16(b, e + 8) : ImageProbe.u16be(b, e + 8);
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }

    /** True when an EOI marker follows the first scan: in the last KiB (the usual case) or, failing that, by a full walk. */
    private static boolean hasEndMarker(Path file, byte[] bytes, long size, long scanStart) throws IOException {
        int tailLength = (int) Math.min(TAIL_BYTES, size - scanStart);
        byte[] tail = bytes.length == size
                ? java.util.Arrays.copyOfRange(bytes, (int) (size - tailLength), (int) size)
                : ImageProbe.readTail(file, size, tailLength);
        for (int i = 0; i + 1 < tail.length; i++) {
            if ((tail[i] & 0xFF) == 0xFF && (tail[i + 1] & 0xFF) == 0xD9) {
                return true;
            }
        }
        // Data after the image (a phone's motion-photo video, padding): walk the scan data to find EOI.
        byte[] all = bytes.length == size ? bytes : Files.readAllBytes(file);
        return walkToEnd(all, (int) scanStart);
    }

    static boolean walkToEnd(byte[] b, int from) {
        int i = from;
        while (i + 1 < b.length) {
            if ((b[i] & 0xFF) != 0xFF) {
                i++;
                continue;
            }
            int m = b[i + 1] & 0xFF;
            if (m == 0xD9) {
                return true;
            }
            if (m == 0xFF) {
                i++;
            } else if (m == 0x00 || (m >= 0xD0 && m <= 0xD7)) {
                i += 2;
            } else { // another segment between scans (progressive JPEG): skip it
                if (i + 4 > b.length) {
                    return false;
                }
                i += 2 + ImageProbe.u16be(b, i + 2);
            }
        }
        return false;
    }

    private static int le16(byte[] b, int i) {
        return (b[i] & 0xFF) | ((b[i + 1] & 0xFF) << 8);
    }

    private static long le32(byte[] b, int i) {
        return le16(b, i) | ((long) le16(b, i + 2) << 16);
    }
}
