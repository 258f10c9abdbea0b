package dev.graft.data;

import java.io.Serializable;

/**
 * Which image a row of a batch came from; attached to every {@code DataSet} as example metadata (for
 * per-image error reports and for a feature cache keyed by split and index).
 *
 * @param split the split
 * @param index index into {@link ImageDataset#entries(Split)}
 * @param path  the image file
 */
public record SampleRef(Split split, int index, String path) implements Serializable {
}
