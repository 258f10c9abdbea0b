package dev.graft.data;

import org.bytedeco.opencv.opencv_core.Mat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Random;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_2;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_4;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_8;

/**
 * Training's evaluation transform for one image at a time, outside a {@link DataPipeline}: the same structural
 * check ({@link ImageProbe}), OpenCV decoder (reduced-size JPEG decoding included), resize of the shorter side,
 * centre crop and normalisation as {@code DataPipeline.eval}, so an exported model sees exactly the tensors it
 * was validated on. Accepts files, encoded bytes (an HTTP body) and {@link BufferedImage}s. Stateless and
 * thread-safe.
 */
public final class EvalPreprocessor {
    /** Stands for in-memory bytes where the structural checks expect a file; never read (all bytes are given). */
    private static final Path IN_MEMORY = Path.of("/nonexistent/graft-in-memory-image");

    private final SampleTransform transform;
    private final int minDecodeSide;

    private EvalPreprocessor(int size, double cropRatio, Normalization normalization) {
        this.transform = SampleTransform.eval(size, cropRatio, normalization);
        this.minDecodeSide = shorterSide(size, cropRatio);
    }

    /** The evaluation transform for {@code size x size} inputs with the given crop ratio and mean/std. */
    public static EvalPreprocessor of(int size, double cropRatio, Normalization normalization) {
        if (size < 1 || !(cropRatio > 0 && cropRatio <= 1)) {
            throw new IllegalArgumentException("need size >= 1 and crop ratio in (0, 1]: " + size + ", " + cropRatio);
        }
        return new EvalPreprocessor(size, cropRatio, normalization);
    }

    /** The shorter side an image is resized to before the centre crop: {@code max(size, round(size / crop))}. */
    public static int shorterSide(int size, double cropRatio) {
        return Math.max(size, (int) Math.round(size / cropRatio));
    }

    /** Side of the square output. */
    public int size() {
        return transform.size();
    }

    /** Floats per image: {@code 3 * size * size}. */
    public int length() {
        return 3 * size() * size();
    }

    /**
     * An image file as {@code 3 x size x size} normalised RGB floats (planar).
     *
     * @throws UnreadableImageException when the file is missing, not an image, truncated or corrupt
     */
    public float[] file(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UnreadableImageException("no such image file: " + file);
        }
        ImageProbe.Result probe = ImageProbe.probe(file);
        if (!probe.readable()) {
            throw new UnreadableImageException(file + ": " + probe.problem());
        }
        try {
            return transform.tensor(new ImageEntry(file, 0, probe.info()), new Random(0));
        } catch (IOException e) {
            throw new UnreadableImageException(file + ": cannot decode (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Encoded image bytes (JPEG, PNG, BMP, TIFF, WebP, PNM, JPEG 2000) as normalised floats, decoded exactly as a
     * file with the same bytes would be.
     *
     * @throws UnreadableImageException when the bytes are empty, not an image, truncated or corrupt
     */
    public float[] bytes(byte[] encoded) {
        ImageInfo info = probe(encoded);
        int flags = IMREAD_COLOR;
        if (info != null && info.format() == ImageFormat.JPEG) {
            // The same reduced-size decoding ImageDecoder.readBgr chooses for files.
            int shorter = info.shorterSide();
            if (shorter / 8 >= minDecodeSide) {
                flags = IMREAD_REDUCED_COLOR_8;
            } else if (shorter / 4 >= minDecodeSide) {
                flags = IMREAD_REDUCED_COLOR_4;
            } else if (shorter / 2 >= minDecodeSide) {
                flags = IMREAD_REDUCED_COLOR_2;
            }
        }
        Mat decoded;
        try {
            decoded = ImageDecoder.decode(encoded, flags);
        } catch (IOException e) {
            throw new UnreadableImageException("corrupt image: " + e.getMessage(), e);
        }
        if (decoded == null) {
            throw new UnreadableImageException("corrupt image: the decoder could not read it");
        }
        try (decoded) {
            return tensor(decoded);
        }
    }

    /** A decoded image (RGB as {@link BufferedImage#getRGB} reports it; alpha is dropped) as normalised floats. */
    public float[] image(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        byte[] bgr = new byte[3 * w * h];
        for (int i = 0; i < argb.length; i++) {
            bgr[3 * i] = (byte) argb[i];
            bgr[3 * i + 1] = (byte) (argb[i] >> 8);
            bgr[3 * i + 2] = (byte) (argb[i] >> 16);
        }
        try (Mat mat = new Mat(h, w, CV_8UC3)) {
            mat.data().put(bgr);
            return tensor(mat);
        }
    }

    private float[] tensor(Mat bgr) {
        Mat out = transform.apply(bgr, new Random(0));
        try {
            float[] chw = new float[length()];
            transform.toChw(out, chw);
            return chw;
        } finally {
            if (out != bgr) {
                out.close();
            }
        }
    }

    /** The scan's verdict on in-memory bytes; the JPEG facts when it is a JPEG, null for other formats. */
    private static ImageInfo probe(byte[] bytes) {
        if (bytes.length == 0) {
            throw new UnreadableImageException("empty input (0 bytes)");
        }
        ImageFormat format = ImageFormat.sniff(bytes, bytes.length);
        if (format == null) {
            throw new UnreadableImageException("not a supported image (JPEG, PNG, BMP, TIFF, WebP, PNM, JPEG 2000)");
        }
        if (!format.supported()) {
            throw new UnreadableImageException(format.name() + " is not supported by the decoder; convert it, e.g. "
                    + "to PNG");
        }
        try {
            // All bytes are passed, so the structural checks never reach for the file; they only would for a rare
            // JPEG variant (arithmetic coding, 12-bit) or a PNG with data after IEND, handled below.
            ImageProbe.Result r = switch (format) {
                case JPEG -> JpegStructure.check(IN_MEMORY, bytes, bytes.length);
                case PNG -> PngStructure.check(IN_MEMORY, bytes, bytes.length);
                default -> null;
            };
            if (r != null && !r.readable()) {
                throw new UnreadableImageException(r.problem());
            }
            return r == null ? null : r.info();
        } catch (NoSuchFileException e) {
            return format == ImageFormat.JPEG ? decodedInfo(bytes) : pngChain(bytes);
        } catch (IOException e) {
            throw new UnreadableImageException("cannot read the image: " + e.getMessage(), e);
        }
    }

    /** What {@code ImageProbe.decodeCheck} learns from a full decode, for JPEG variants without a header check. */
    private static ImageInfo decodedInfo(byte[] bytes) {
        ImageDecoder.Shape shape;
        try {
            shape = ImageDecoder.shapeOf(bytes);
        } catch (IOException e) {
            throw new UnreadableImageException("corrupt JPEG: " + e.getMessage(), e);
        }
        if (shape == null) {
            throw new UnreadableImageException("corrupt or unsupported JPEG (the decoder could not read it)");
        }
        return new ImageInfo(ImageFormat.JPEG, shape.width(), shape.height(), shape.mode(), bytes.length);
    }

    private static ImageInfo pngChain(byte[] bytes) {
        String problem = PngStructure.walkChunks(bytes);
        if (problem != null) {
            throw new UnreadableImageException(problem);
        }
        return null;
    }
}
