package dev.graft.data;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

/**
 * 8-bit BGR pixels of a {@link Mat} as a Java array and back, for ops that work per pixel value (look-up tables,
 * histograms, erasing with seeded noise). Works on views (a crop of a larger image) as well as whole images.
 */
final class Pixels {
    private Pixels() {
    }

    /** The pixels, row after row, 3 bytes (B, G, R) each. */
    static byte[] read(Mat bgr) {
        int w = bgr.cols();
        int h = bgr.rows();
        byte[] out = new byte[w * h * 3];
        byte[] row = new byte[w * 3];
        for (int y = 0; y < h; y++) {
            BytePointer p = bgr.ptr(y);
            p.get(row);
            System.arraycopy(row, 0, out, y * row.length, row.length);
        }
        return out;
    }

    /** A new {@code w x h} BGR image holding {@code bytes}. */
    static Mat image(byte[] bytes, int w, int h) {
        Mat out = new Mat(h, w, CV_8UC3);
        out.data().put(bytes);
        return out;
    }

    /** A new image with each channel's values mapped through its table ({@code tables[c][v]}, c in B, G, R). */
    static Mat mapped(Mat bgr, int[][] tables) {
        byte[] bytes = read(bgr);
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) tables[i % 3][bytes[i] & 0xFF];
        }
        return image(bytes, bgr.cols(), bgr.rows());
    }

    /** The same table for every channel. */
    static int[][] sameForAll(int[] table) {
        return new int[][] {table, table, table};
    }

    /** Each channel's 256-bin histogram. */
    static int[][] histograms(Mat bgr) {
        int[][] out = new int[3][256];
        byte[] bytes = read(bgr);
        for (int i = 0; i < bytes.length; i++) {
            out[i % 3][bytes[i] & 0xFF]++;
        }
        return out;
    }
}
