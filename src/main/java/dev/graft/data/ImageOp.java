package dev.graft.data;

import org.bytedeco.opencv.opencv_core.Mat;

import java.util.Random;

/**
 * One step of an image transform on an 8-bit BGR {@link Mat}. Returns {@code src} itself when it leaves the
 * image as it is, otherwise a new Mat that the caller owns; never closes {@code src}. All randomness comes
 * from {@code rng}, which is seeded per sample, so ops are stateless and safe to share between threads.
 */
@FunctionalInterface
interface ImageOp {
    Mat apply(Mat src, Random rng);
}
