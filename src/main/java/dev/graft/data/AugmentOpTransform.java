package dev.graft.data;

import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.datavec.image.data.ImageWritable;
import org.datavec.image.transform.ImageTransform;

import java.util.Random;

/**
 * One of Graft's {@link AugmentOp}s as a DataVec {@link ImageTransform}, for DL4J code that composes DataVec
 * transforms (e.g. in a {@code PipelineImageTransform} or an {@code ImageRecordReader}). Input is 8-bit BGR, as
 * DataVec's {@code NativeImageLoader} produces; {@code size} is the network input size the op crops to.
 *
 * <p>{@link #transform(ImageWritable, Random)} draws only from the given Random, so seeding it per sample gives
 * the same image as Graft's own pipeline; {@link #transform(ImageWritable)} uses the Random given at
 * construction. Thread-safe apart from {@link #getCurrentImage()}, which reports the last result of any thread.
 */
public final class AugmentOpTransform implements ImageTransform {
    private final AugmentOp op;
    private final int size;
    private final Random random;
    private volatile ImageWritable currentImage;

    public AugmentOpTransform(AugmentOp op, int size, Random random) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive (was " + size + ")");
        }
        this.op = op;
        this.size = size;
        this.random = random;
    }

    public AugmentOp op() {
        return op;
    }

    @Override
    public ImageWritable transform(ImageWritable image) {
        return transform(image, random);
    }

    @Override
    public ImageWritable transform(ImageWritable image, Random rng) {
        if (image == null) {
            return null;
        }
        OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
        Mat src = converter.convert(image.getFrame());
        Mat out = op.apply(src, rng, size);
        ImageWritable result = out == src ? image : new ImageWritable(new OpenCVFrameConverter.ToMat().convert(out));
        currentImage = result;
        return result;
    }

    /** Graft's ops do not track where a point moves (DataVec's {@code BaseImageTransform} does the same). */
    @Override
    public float[] query(float... coordinates) {
        throw new UnsupportedOperationException(op.op() + " does not map coordinates");
    }

    @Override
    public ImageWritable getCurrentImage() {
        return currentImage;
    }
}
