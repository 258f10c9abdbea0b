package dev.graft.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What an interrupted process leaves in a run folder: {@code .<file>.<n>.tmp} files of atomic writes (a
 * checkpoint being written at kill -9) and {@code .<bundle>.<n>} / {@code .<bundle>.old-<n>} folders of an export
 * (a second Ctrl-C during it). Nothing else writes such names, and no process is writing while a run is opened
 * again, so they are removed then.
 */
final class StaleTemporaries {
    private static final Logger LOG = LoggerFactory.getLogger(StaleTemporaries.class);
    private static final Pattern TEMP_FILE = Pattern.compile("\\..+\\.\\d+\\.tmp");
    private static final Pattern TEMP_FOLDER = Pattern.compile("\\..+\\.(old-)?\\d+");

    private StaleTemporaries() {
    }

    /** Removes the temporaries in {@code run} and its direct sub-folders (checkpoints, plots); returns them. */
    static List<Path> remove(Path run) {
        List<Path> stale;
        try (Stream<Path> files = Files.walk(run, 2)) {
            stale = files.filter(p -> !p.equals(run) && isTemporary(p)).toList();
        } catch (IOException e) {
            LOG.warn("cannot look for temporaries in {}: {}", run, e.getMessage());
            return List.of();
        }
        for (Path p : stale) {
            deleteTree(p);
            LOG.info("removed {} (left by an interrupted run)", run.relativize(p));
        }
        return stale;
    }

    private static boolean isTemporary(Path p) {
        String name = p.getFileName().toString();
        return Files.isDirectory(p) ? TEMP_FOLDER.matcher(name).matches() : TEMP_FILE.matcher(name).matches();
    }

    /** Deletes {@code root} and everything below it; a failure is a warning (it is only clutter). */
    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", root, e.getMessage());
        }
    }
}
