package dev.graft.data;

import java.nio.file.Path;

/**
 * A file the layout names, before the scan has looked at it.
 *
 * @param path  the file
 * @param label its class name
 * @param split its split, or null when the seeded split decides later (root and CSV layouts)
 * @param group its {@code data.split.group} cell of a CSV manifest, or null
 * @param target a multi-label or regression head's target ({@link TargetReader}); null for a single-label head
 */
record Candidate(Path path, String label, Split split, String group, float[] target) {
    Candidate(Path path, String label, Split split) {
        this(path, label, split, null, null);
    }

    Candidate(Path path, String label, Split split, String group) {
        this(path, label, split, group, null);
    }
}
