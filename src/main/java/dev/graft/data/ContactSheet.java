package dev.graft.data;

import dev.graft.AtomicFiles;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_NEAREST;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

/**
 * A PNG grid that shows what the training augmentation does: one row per training image (classes taken in
 * turn), the first column with the evaluation transform, the others with independent augmentation draws.
 * Pixels are what the network sees before normalisation.
 */
public final class ContactSheet {
    private static final int GAP = 4;
    private static final int HEADER = 22;

    private ContactSheet() {
    }

    /**
     * Renders {@code rows x (1 + augmented)} tiles and writes them atomically to {@code file}.
     *
     * @return the number of rows drawn (fewer than asked when train has fewer images)
     */
    public static int write(DataPipeline pipeline, Path file, int rows, int augmented) throws IOException {
        List<ImageEntry> picks = pick(pipeline.dataset(), rows);
        int size = pipeline.imageSize();
        int tile = size < 96 ? 96 : Math.min(size, 160);
        int cols = 1 + augmented;
        int width = GAP + cols * (tile + GAP);
        int height = HEADER + GAP + Math.max(1, picks.size()) * (tile + GAP);
        try (Scalar background = new Scalar(40, 40, 40, 0); Mat sheet = new Mat(height, width, CV_8UC3, background)) {
            label(sheet, "eval", GAP, HEADER - 7);
            label(sheet, "train augmentation (" + augmented + " draws)", 2 * GAP + tile, HEADER - 7);
            for (int r = 0; r < picks.size(); r++) {
                ImageEntry entry = picks.get(r);
                int y = HEADER + GAP + r * (tile + GAP);
                for (int c = 0; c < cols; c++) {
                    try (Mat image = pipeline.preview(entry, c > 0, (long) r * cols + c)) {
                        paste(sheet, image, GAP + c * (tile + GAP), y, tile);
                    } catch (IOException e) {
                        label(sheet, "unreadable", GAP + c * (tile + GAP) + 4, y + tile / 2);
                    }
                }
                String caption = pipeline.classes().get(entry.label()) + " " + entry.path().getFileName();
                try (Rect band = new Rect(GAP, y + tile - 16, tile, 16); Scalar black = new Scalar(0, 0, 0, 0)) {
                    rectangle(sheet, band, black, -1, 8, 0);
                }
                label(sheet, caption.length() > 24 ? caption.substring(0, 24) : caption, GAP + 3, y + tile - 4);
            }
            BufferedImage png = toImage(sheet);
            AtomicFiles.write(file, out -> ImageIO.write(png, "png", out));
        }
        return picks.size();
    }

    /** Up to {@code rows} training images, classes in turn, spread evenly within each class. */
    static List<ImageEntry> pick(ImageDataset dataset, int rows) {
        List<List<ImageEntry>> byClass = new ArrayList<>();
        for (int c = 0; c < dataset.classes().size(); c++) {
            int label = c;
            byClass.add(dataset.entries(Split.TRAIN).stream().filter(e -> e.label() == label).toList());
        }
        int perClass = (rows + byClass.size() - 1) / Math.max(1, byClass.size());
        List<ImageEntry> picks = new ArrayList<>();
        for (int k = 0; k < perClass && picks.size() < rows; k++) {
            for (List<ImageEntry> members : byClass) {
                if (k < members.size() && picks.size() < rows) {
                    picks.add(members.get((int) ((long) k * members.size() / perClass)));
                }
            }
        }
        return picks;
    }

    private static void paste(Mat sheet, Mat image, int x, int y, int tile) {
        try (Rect rect = new Rect(x, y, tile, tile); Mat target = new Mat(sheet, rect);
             org.bytedeco.opencv.opencv_core.Size dsize = new org.bytedeco.opencv.opencv_core.Size(tile, tile)) {
            int interpolation = image.cols() < tile ? INTER_NEAREST : org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
            resize(image, target, dsize, 0, 0, interpolation);
        }
    }

    private static void label(Mat sheet, String text, int x, int y) {
        try (Point origin = new Point(x, y); Scalar white = new Scalar(235, 235, 235, 0)) {
            putText(sheet, text, origin, FONT_HERSHEY_SIMPLEX, 0.42, white, 1, LINE_AA, false);
        }
    }

    private static BufferedImage toImage(Mat bgr) {
        BufferedImage image = new BufferedImage(bgr.cols(), bgr.rows(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        bgr.data().get(pixels);
        return image;
    }
}
