package dev.graft.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Decides whether a file is a readable image by looking at its bytes, not its name, and without decoding
 * pixels for the common formats: JPEG and PNG are checked structurally (headers parsed, and an end-of-image
 * marker / {@code IEND} chunk required, which catches truncated downloads that decoders would silently pad
 * with grey). Rarer formats are decoded once here. GIF and non-image files are reported as unreadable.
 *
 * <p>Cost: one read of the first 64 KiB plus the last 1 KiB of each file; the whole file is read only when
 * the headers are longer or the end marker is not at the very end.
 */
public final class ImageProbe {
    static final int HEAD_BYTES = 64 * 1024;

    private ImageProbe() {
    }

    /** The verdict on one file: {@link #info()} when readable, otherwise {@link #problem()}. */
    public record Result(ImageInfo info, String problem) {
        static Result ok(ImageInfo info) {
            return new Result(info, null);
        }

        static Result bad(String problem) {
            return new Result(null, problem);
        }

        public boolean readable() {
            return info != null;
        }
    }

    /** Probes one file; I/O and decoder failures become a problem text (a bug in the checks propagates). */
    public static Result probe(Path file) {
        try {
            long size = Files.size(file);
            if (size == 0) {
                return Result.bad("empty file (0 bytes)");
            }
            byte[] head = readHead(file, (int) Math.min(size, HEAD_BYTES));
            ImageFormat format = ImageFormat.sniff(head, head.length);
            if (format == null) {
                return Result.bad(describeNonImage(head));
            }
            if (!format.supported()) {
                return Result.bad(format.name() + " is not supported by the decoder (OpenCV reads JPEG, PNG, BMP, "
                        + "TIFF, WebP, PNM, JPEG 2000); convert the file, e.g. to PNG");
            }
            String tooLarge = ImageHeader.tooLarge(ImageHeader.read(head, head.length),
                    ImageHeader.TRAINING_MAX_PIXELS);
            if (tooLarge != null) {
                return Result.bad(tooLarge); // before any decode: a small file may declare gigapixels
            }
            return switch (format) {
                case JPEG -> JpegStructure.check(file, head, size);
                case PNG -> PngStructure.check(file, head, size);
                default -> decodeCheck(file, format, size);
            };
        } catch (NoSuchFileException e) {
            return Result.bad("file vanished during the scan");
        } catch (IOException e) {
            // Only I/O and decoder failures describe the file; anything else is a bug in the checks and propagates.
            return Result.bad("cannot read: " + e.getMessage());
        }
    }

    /** Full decode, for formats without a cheap structural check. */
    static Result decodeCheck(Path file, ImageFormat format, long size) throws IOException {
        ImageDecoder.Shape shape = ImageDecoder.shapeOf(Files.readAllBytes(file));
        if (shape == null) {
            return Result.bad("corrupt or unsupported " + format.name() + " file (the decoder could not read it)");
        }
        return Result.ok(new ImageInfo(format, shape.width(), shape.height(), shape.mode(), size));
    }

    static byte[] readHead(Path file, int length) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(length);
        }
    }

    /** Reads {@code length} bytes ending at the end of the file. */
    static byte[] readTail(Path file, long size, int length) throws IOException {
        try (var channel = Files.newByteChannel(file)) {
            channel.position(size - length);
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(length);
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // keep reading
            }
            return buffer.array();
        }
    }

    private static String describeNonImage(byte[] head) {
        int n = Math.min(head.length, 512);
        if (n >= 12 && head[4] == 'f' && head[5] == 't' && head[6] == 'y' && head[7] == 'p') {
            return "not a supported image: an ISO media file (HEIC/AVIF/MP4, brand '"
                    + new String(head, 8, 4, StandardCharsets.US_ASCII).trim() + "')";
        }
        if (n >= 4 && head[0] == '%' && head[1] == 'P' && head[2] == 'D' && head[3] == 'F') {
            return "not an image: a PDF document";
        }
        int printable = 0;
        for (int i = 0; i < n; i++) {
            int b = head[i] & 0xFF;
            if (b == '\n' || b == '\r' || b == '\t' || (b >= 0x20 && b < 0x7F) || b >= 0x80) {
                printable++;
            }
        }
        if (printable == n) {
            String text = new String(head, 0, Math.min(n, 40), StandardCharsets.UTF_8)
                    .replaceAll("\\s+", " ").trim();
            return "not an image: the file holds text (\"" + text + (n > 40 ? "..." : "") + "\")";
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(n, 8); i++) {
            hex.append(String.format("%02x ", head[i] & 0xFF));
        }
        return "not an image: unknown content (starts with " + hex.toString().trim() + ")";
    }

    static int u16be(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }

    static long u32be(byte[] b, int i) {
        return ((long) u16be(b, i) << 16) | u16be(b, i + 2);
    }
}
