package dev.graft.data;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * An encoded image's width and height read from its header, for every format the decoder reads, without decoding
 * a pixel: the check that keeps an image bomb (a 1 MB PNG of 20000 x 20000 pixels decodes to 1.2 GB) from being
 * decoded. Serving refuses images over {@code --max-pixels}; the data scan skips training images over
 * {@link #TRAINING_MAX_PIXELS}.
 */
public final class ImageHeader {
    /** Largest image a data scan accepts (about 14142 x 14142); larger ones are skipped with the reason. */
    public static final long TRAINING_MAX_PIXELS = 200_000_000L;

    private ImageHeader() {
    }

    /** Stored width and height in pixels. */
    public record Size(long width, long height) {
        public long pixels() {
            return width * height;
        }
    }

    /** The size stored in the header of {@code bytes[0, length)}; null for an unknown format or a short header. */
    public static Size read(byte[] bytes, int length) {
        ImageFormat format = ImageFormat.sniff(bytes, length);
        if (format == null) {
            return null;
        }
        try {
            return switch (format) {
                case PNG -> length >= 24 ? new Size(ImageProbe.u32be(bytes, 16), ImageProbe.u32be(bytes, 20)) : null;
                case JPEG -> jpeg(bytes, length);
                case GIF -> length >= 10 ? new Size(le16(bytes, 6), le16(bytes, 8)) : null;
                case BMP -> bmp(bytes, length);
                case TIFF -> tiff(bytes, length);
                case WEBP -> webp(bytes, length);
                case PNM -> pnm(bytes, length);
                case JPEG2000 -> jpeg2000(bytes, length);
            };
        } catch (ArrayIndexOutOfBoundsException e) { // a header cut short: the decoder will say what is wrong
            return null;
        }
    }

    /** The size in the header of a file: its first 64 KiB, or all of it when a JPEG's frame header comes later. */
    public static Size read(Path file) throws IOException {
        long size = Files.size(file);
        byte[] head = ImageProbe.readHead(file, (int) Math.min(size, ImageProbe.HEAD_BYTES));
        Size found = read(head, head.length);
        if (found == null && size > head.length && ImageFormat.sniff(head, head.length) == ImageFormat.JPEG) {
            byte[] all = Files.readAllBytes(file);
            found = read(all, all.length);
        }
        return found;
    }

    /** Why an image of {@code size} is refused under a limit of {@code maxPixels}; null when it is within. */
    public static String tooLarge(Size size, long maxPixels) {
        if (size == null || size.pixels() <= maxPixels) {
            return null;
        }
        return String.format(Locale.ROOT, "image too large: %d x %d pixels (%s) is over the limit of %s; "
                + "downscale it", size.width(), size.height(), megapixels(size.pixels()), megapixels(maxPixels));
    }

    /** {@code 400 MP}, {@code 0.5 MP}. */
    public static String megapixels(long pixels) {
        return BigDecimal.valueOf(pixels / 1e6).round(new MathContext(3)).stripTrailingZeros()
                .toPlainString() + " MP";
    }

    /** The first frame header (SOF0..SOF15) among the marker segments before the scan. */
    private static Size jpeg(byte[] b, int length) {
        int pos = 2;
        while (pos + 9 <= length) {
            if ((b[pos] & 0xFF) != 0xFF) {
                return null;
            }
            int marker = b[pos + 1] & 0xFF;
            if (marker == 0xFF) { // fill byte
                pos++;
            } else if (marker == 0x01 || marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7)) { // no length
                pos += 2;
            } else if (marker == 0xDA || marker == 0xD9) {
                return null;
            } else if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                return new Size(ImageProbe.u16be(b, pos + 7), ImageProbe.u16be(b, pos + 5));
            } else {
                pos += 2 + ImageProbe.u16be(b, pos + 2);
            }
        }
        return null;
    }

    private static Size bmp(byte[] b, int length) {
        if (length < 26) {
            return null;
        }
        if (le32(b, 14) == 12) { // OS/2 BITMAPCOREHEADER: 16-bit sides
            return new Size(le16(b, 18), le16(b, 20));
        }
        return new Size(Math.abs((int) le32(b, 18)), Math.abs((int) le32(b, 22)));
    }

    /** ImageWidth (256) and ImageLength (257) of the first IFD. */
    private static Size tiff(byte[] b, int length) {
        boolean little = b[0] == 'I';
        long ifd = little ? le32(b, 4) : ImageProbe.u32be(b, 4);
        if (ifd < 8 || ifd + 2 > length) {
            return null;
        }
        int entries = little ? le16(b, (int) ifd) : ImageProbe.u16be(b, (int) ifd);
        long width = -1;
        long height = -1;
        for (int k = 0; k < entries && ifd + 2 + 12L * (k + 1) <= length; k++) {
            int e = (int) ifd + 2 + 12 * k;
            int tag = little ? le16(b, e) : ImageProbe.u16be(b, e);
            int type = little ? le16(b, e + 2) : ImageProbe.u16be(b, e + 2);
            long value = type == 3 ? (little ? le16(b, e + 8) : ImageProbe.u16be(b, e + 8))
                    : (little ? le32(b, e + 8) : ImageProbe.u32be(b, e + 8));
            if (tag == 256) {
                width = value;
            } else if (tag == 257) {
                height = value;
            }
        }
        return width >= 0 && height >= 0 ? new Size(width, height) : null;
    }

    /** The first chunk: lossy {@code VP8 }, lossless {@code VP8L} or extended {@code VP8X}. */
    private static Size webp(byte[] b, int length) {
        if (length < 30) {
            return null;
        }
        String chunk = new String(b, 12, 4, StandardCharsets.US_ASCII);
        return switch (chunk) {
            case "VP8 " -> new Size(le16(b, 26) & 0x3FFF, le16(b, 28) & 0x3FFF);
            case "VP8L" -> {
                long bits = le32(b, 21);
                yield new Size((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
            }
            case "VP8X" -> new Size(le24(b, 24) + 1, le24(b, 27) + 1);
            default -> null;
        };
    }

    /** {@code P1}..{@code P6}, whitespace and comments, width, height. */
    private static Size pnm(byte[] b, int length) {
        long[] sides = new long[2];
        int pos = 2;
        for (int i = 0; i < 2; i++) {
            while (pos < length && (Character.isWhitespace(b[pos]) || b[pos] == '#')) {
                if (b[pos] == '#') {
                    while (pos < length && b[pos] != '\n' && b[pos] != '\r') {
                        pos++;
                    }
                } else {
                    pos++;
                }
            }
            int start = pos;
            while (pos < length && pos - start < 10 && b[pos] >= '0' && b[pos] <= '9') {
                sides[i] = sides[i] * 10 + (b[pos++] - '0');
            }
            if (pos == start || pos >= length) {
                return null;
            }
        }
        return new Size(sides[0], sides[1]);
    }

    /** A raw codestream's SIZ segment, or a JP2 file's {@code ihdr} box. */
    private static Size jpeg2000(byte[] b, int length) {
        if ((b[0] & 0xFF) == 0xFF) { // FF4F FF51: SIZ follows at once
            return length < 24 ? null : new Size(ImageProbe.u32be(b, 8) - ImageProbe.u32be(b, 16),
                    ImageProbe.u32be(b, 12) - ImageProbe.u32be(b, 20));
        }
        for (int i = 4; i + 12 <= length; i++) {
            if (b[i] == 'i' && b[i + 1] == 'h' && b[i + 2] == 'd' && b[i + 3] == 'r') {
                return new Size(ImageProbe.u32be(b, i + 8), ImageProbe.u32be(b, i + 4));
            }
        }
        return null;
    }

    static int le16(byte[] b, int i) {
        return (b[i] & 0xFF) | ((b[i + 1] & 0xFF) << 8);
    }

    static long le24(byte[] b, int i) {
        return le16(b, i) | ((long) (b[i + 2] & 0xFF) << 16);
    }

    static long le32(byte[] b, int i) {
        return le16(b, i) | ((long) le16(b, i + 2) << 16);
    }
}
