package dev.graft.data;

import java.nio.file.Path;

/**
 * One readable image of a split.
 *
 * @param path  the image file
 * @param label index into the dataset's class list
 * @param info  format, size and mode from the scan
 */
public record ImageEntry(Path path, int label, ImageInfo info) {
}
