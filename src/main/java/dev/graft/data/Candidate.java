package dev.graft.data;

import java.nio.file.Path;

/**
 * A file the layout names, before the scan has looked at it.
 *
 * @param path  the file
 * @param label its class name
 * @param split its split, or null when the seeded split decides later (root and CSV layouts)
 */
record Candidate(Path path, String label, Split split) {
}
