package dev.graft.data;

import dev.graft.config.DataVecTransform;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.datavec.image.data.ImageWritable;
import org.datavec.image.transform.ImageTransform;

import java.util.Random;

import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGRA2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

/**
 * A DataVec {@link ImageTransform} named in {@code data.augment} as a step of Graft's pipeline. It gets the
 * sample's seeded {@link Random} (so DataVec's random transforms run their random variant, and batches are the
 * same for any thread count), one instance per thread (DataVec transforms keep per-call state), and its output
 * goes back to 8-bit BGR: grey and BGRA outputs are expanded/dropped to three channels.
 */
final class DataVecSteps {
    private DataVecSteps() {
    }

    static ImageOp step(DataVecTransform spec) {
        ThreadLocal<ImageTransform> perThread = ThreadLocal.withInitial(spec::newInstance);
        return (src, rng) -> apply(perThread.get(), src, rng);
    }

    /** Runs {@code transform} on {@code src}; returns {@code src} when it is unchanged, else a new Mat. */
    static Mat apply(ImageTransform transform, Mat src, Random rng) {
        OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
        ImageWritable out = transform.transform(new ImageWritable(converter.convert(src)), rng);
        Mat result = out == null ? null : converter.convert(out.getFrame());
        if (result == null) {
            throw new IllegalStateException(transform.getClass().getName() + " returned no image");
        }
        if (result == src) {
            return src;
        }
        if (result.depth() != CV_8U) {
            throw new IllegalStateException(transform.getClass().getName() + " returned a non-8-bit image (depth "
                    + result.depth() + "); data.augment needs 8-bit images");
        }
        // A copy, never the transform's own Mat: DataVec's frame converters cache it for the next call.
        return switch (result.channels()) {
            case 3 -> result.clone();
            case 1 -> converted(result, COLOR_GRAY2BGR);
            case 4 -> converted(result, COLOR_BGRA2BGR);
            default -> throw new IllegalStateException(transform.getClass().getName() + " returned "
                    + result.channels() + " channels; data.augment needs 1, 3 or 4");
        };
    }

    private static Mat converted(Mat src, int code) {
        Mat dst = new Mat();
        cvtColor(src, dst, code);
        return dst;
    }
}
