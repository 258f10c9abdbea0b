package dev.graft.data;

import java.nio.file.Path;

/**
 * One readable image of a split.
 *
 * @param path  the image file
 * @param label index into the dataset's class list (0 for a multi-label or regression head)
 * @param info  format, size and mode from the scan
 * @param target a multi-label head's 1/0 per label (NaN: unknown, no loss) or a regression head's raw value;
 *               null for a single-label head
 */
public record ImageEntry(Path path, int label, ImageInfo info, float[] target) {
    /** A single-label image. */
    public ImageEntry(Path path, int label, ImageInfo info) {
        this(path, label, info, null);
    }
}
