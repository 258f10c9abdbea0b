package dev.graft.data;

import dev.graft.config.Augmentation;
import dev.graft.config.DataVecTransform;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * File to network input: decode, geometry and augmentation, then CHW float RGB normalised with the given
 * mean/std.
 *
 * <p>Evaluation: resize the shorter side to {@code round(size / cropRatio)}, centre-crop {@code size x size}.
 * Training: when the augmentation list has an op that crops and resizes itself ({@code random_resized_crop}), the
 * ops run in their order on the decoded image (that op produces {@code size x size}); otherwise the evaluation geometry runs first and the
 * ops after it, so train and eval images share one scale and the ops work on small images. Any image still
 * not {@code size x size} at the end gets the evaluation geometry. A DataVec transform named in the list
 * ({@link DataVecSteps}) runs in its place like any op. Stateless and thread-safe.
 */
final class SampleTransform {
    private final int size;
    private final int resizeTo;
    private final List<ImageOp> ops;
    private final boolean opsFirst;
    private final int minDecodeSide;
    private final float[][] lut;

    private SampleTransform(int size, double cropRatio, List<Augmentation> augment, Normalization normalization) {
        this.size = size;
        this.resizeTo = Math.max(size, (int) Math.round(size / cropRatio));
        List<ImageOp> list = new ArrayList<>();
        double minScale = 1;
        boolean crops = false;
        for (Augmentation a : augment) {
            if (a instanceof DataVecTransform dataVec) {
                list.add(DataVecSteps.step(dataVec));
                continue;
            }
            if (!(a instanceof AugmentOp op)) {
                throw new IllegalArgumentException("no implementation for augmentation '" + a.op() + "'");
            }
            list.add((src, rng) -> op.apply(src, rng, size));
            if (op.smallestCropArea() > 0) {
                crops = true;
                minScale = Math.min(minScale, op.smallestCropArea());
            }
        }
        this.ops = List.copyOf(list);
        this.opsFirst = crops;
        // Smallest shorter side worth decoding: the smallest random crop must still cover size pixels.
        this.minDecodeSide = crops ? (int) Math.ceil(size / Math.sqrt(minScale)) : resizeTo;
        this.lut = normalization.lookupTables();
    }

    private SampleTransform(SampleTransform base, List<ImageOp> ops) {
        this.size = base.size;
        this.resizeTo = base.resizeTo;
        this.ops = List.copyOf(ops);
        this.opsFirst = base.opsFirst;
        this.minDecodeSide = base.minDecodeSide;
        this.lut = base.lut;
    }

    /** This transform with {@code op} run after its own ops (tests plant a failing op with it). */
    SampleTransform then(ImageOp op) {
        List<ImageOp> more = new ArrayList<>(ops);
        more.add(op);
        return new SampleTransform(this, more);
    }

    static SampleTransform eval(int size, double cropRatio, Normalization normalization) {
        return new SampleTransform(size, cropRatio, List.of(), normalization);
    }

    static SampleTransform train(int size, double cropRatio, List<Augmentation> augment, Normalization normalization) {
        return new SampleTransform(size, cropRatio, augment, normalization);
    }

    int size() {
        return size;
    }

    /** Decodes and transforms one image into 8-bit BGR {@code size x size} (for previews); the caller closes it. */
    Mat pixels(ImageEntry entry, Random rng) throws IOException {
        try (Mat decoded = ImageDecoder.readBgr(entry.path(), entry.info(), minDecodeSide)) {
            Mat out = apply(decoded, rng);
            return out == decoded ? new Mat(decoded) : out;
        }
    }

    /** Decodes, transforms and converts one image to {@code 3 x size x size} floats (RGB planes). */
    float[] tensor(ImageEntry entry, Random rng) throws IOException {
        try (Mat image = pixels(entry, rng)) {
            float[] out = new float[3 * size * size];
            toChw(image, out);
            return out;
        }
    }

    /** Applies geometry and ops; may return {@code bgr} itself. Never closes {@code bgr}. */
    Mat apply(Mat bgr, Random rng) {
        Mat current = bgr;
        if (!opsFirst) {
            current = step(bgr, current, Geometry.resizeShorterAndCentreCrop(current, resizeTo, size));
        }
        for (ImageOp op : ops) {
            current = step(bgr, current, op.apply(current, rng));
        }
        if (current.cols() != size || current.rows() != size) {
            current = step(bgr, current, Geometry.resizeShorterAndCentreCrop(current, resizeTo, size));
        }
        return current;
    }

    private static Mat step(Mat original, Mat current, Mat next) {
        if (next != current && current != original) {
            current.close();
        }
        return next;
    }

    /** BGR bytes to planar RGB floats through the normalisation lookup tables. */
    void toChw(Mat image, float[] out) {
        int w = image.cols();
        int h = image.rows();
        int plane = w * h;
        byte[] row = new byte[w * 3];
        float[] r = lut[0];
        float[] g = lut[1];
        float[] b = lut[2];
        for (int y = 0; y < h; y++) {
            BytePointer p = image.ptr(y);
            p.get(row);
            int base = y * w;
            for (int x = 0; x < w; x++) {
                out[base + x] = r[row[3 * x + 2] & 0xFF];
                out[plane + base + x] = g[row[3 * x + 1] & 0xFF];
                out[2 * plane + base + x] = b[row[3 * x] & 0xFF];
            }
        }
    }
}
