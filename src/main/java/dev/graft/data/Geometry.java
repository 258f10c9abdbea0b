package dev.graft.data;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

/** Resizing and cropping helpers. Shrinking uses area averaging (anti-aliased), enlarging bilinear. */
final class Geometry {
    private Geometry() {
    }

    /** A view of a rectangle of {@code src} (shares pixels; the caller closes it). */
    static Mat region(Mat src, int x, int y, int w, int h) {
        try (Rect rect = new Rect(x, y, w, h)) {
            return new Mat(src, rect);
        }
    }

    /** Crops a rectangle and resizes it to {@code outW x outH}. */
    static Mat resizeRegion(Mat src, int x, int y, int w, int h, int outW, int outH) {
        try (Mat view = region(src, x, y, w, h)) {
            return resized(view, outW, outH);
        }
    }

    static Mat resized(Mat src, int outW, int outH) {
        Mat dst = new Mat();
        int interpolation = src.cols() > outW && src.rows() > outH ? INTER_AREA : INTER_LINEAR;
        try (Size size = new Size(outW, outH)) {
            resize(src, dst, size, 0, 0, interpolation);
        }
        return dst;
    }

    /**
     * The evaluation geometry: resize so the shorter side is {@code shorter}, then take the centred
     * {@code size x size} square. Returns {@code src} when it already is {@code size x size} and
     * {@code shorter == size}.
     */
    static Mat resizeShorterAndCentreCrop(Mat src, int shorter, int size) {
        int w = src.cols();
        int h = src.rows();
        if (w == size && h == size && shorter == size) {
            return src;
        }
        int newW;
        int newH;
        if (w <= h) {
            newW = shorter;
            newH = Math.max(shorter, (int) Math.round((double) h * shorter / w));
        } else {
            newH = shorter;
            newW = Math.max(shorter, (int) Math.round((double) w * shorter / h));
        }
        try (Mat scaled = newW == w && newH == h ? new Mat(src) : resized(src, newW, newH)) {
            return region(scaled, (newW - size) / 2, (newH - size) / 2, size, size);
        }
    }
}
