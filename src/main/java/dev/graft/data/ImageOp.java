package dev.graft.data;

import org.bytedeco.opencv.opencv_core.Mat;

import java.util.Random;

/**
 * One step of a {@link SampleTransform}: an {@link AugmentOp} at the network input size (whose contract it
 * shares: 8-bit BGR in and out, {@code src} returned when unchanged, all randomness from {@code rng}).
 */
@FunctionalInterface
interface ImageOp {
    Mat apply(Mat src, Random rng);
}
