package dev.graft.data;

import dev.graft.GraftException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** Reads a folder-per-class tree: {@code folder/<class>/**}. Files are listed recursively, sorted by path. */
final class FolderLayout {
    /** Operating-system clutter that is not data (hidden files, starting with '.', are skipped too). */
    private static final Set<String> CLUTTER = Set.of("Thumbs.db", "desktop.ini");

    private FolderLayout() {
    }

    /** Class name to its files, classes in sorted order. */
    static Map<String, List<Path>> classFolders(Path folder, String configKey) {
        requireFolder(folder, configKey);
        List<Path> classDirs = new ArrayList<>();
        List<Path> looseFiles = new ArrayList<>();
        for (Path child : list(folder)) {
            if (isHidden(child)) {
                continue;
            }
            (Files.isDirectory(child) ? classDirs : looseFiles).add(child);
        }
        if (classDirs.isEmpty()) {
            throw new GraftException(configKey + ": " + folder + " has no class sub-folders; expected one folder per "
                    + "class (e.g. " + folder.resolve("<class>").resolve("image.jpg") + "), found "
                    + looseFiles.size() + " file(s) directly in it");
        }
        Map<String, List<Path>> classes = new LinkedHashMap<>();
        for (Path dir : classDirs) {
            classes.put(dir.getFileName().toString(), filesUnder(dir));
        }
        return classes;
    }

    /** Regular, non-hidden files anywhere under {@code dir}, sorted by path. */
    static List<Path> filesUnder(Path dir) {
        try (Stream<Path> walk = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
            return walk.filter(p -> !p.equals(dir) && Files.isRegularFile(p) && !isHiddenBelow(dir, p)
                            && !CLUTTER.contains(p.getFileName().toString()))
                    .sorted()
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            throw new GraftException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Throws a message naming the path and what does exist nearby when {@code folder} is not a folder. */
    static void requireFolder(Path folder, String configKey) {
        if (Files.isDirectory(folder)) {
            return;
        }
        if (Files.exists(folder)) {
            throw new GraftException(configKey + ": not a folder: " + folder);
        }
        Path existing = folder.toAbsolutePath().getParent();
        while (existing != null && !Files.isDirectory(existing)) {
            existing = existing.getParent();
        }
        String nearby = "";
        if (existing != null) {
            List<String> names = list(existing).stream().filter(p -> !isHidden(p))
                    .map(p -> p.getFileName() + (Files.isDirectory(p) ? "/" : "")).limit(20).toList();
            nearby = " (" + existing + " contains: " + (names.isEmpty() ? "nothing" : String.join(", ", names)) + ")";
        }
        throw new GraftException(configKey + ": no such folder: " + folder + nearby);
    }

    private static List<Path> list(Path folder) {
        try (Stream<Path> children = Files.list(folder)) {
            return children.sorted().toList();
        } catch (IOException e) {
            throw new GraftException("cannot list " + folder + ": " + e.getMessage(), e);
        }
    }

    private static boolean isHidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }

    private static boolean isHiddenBelow(Path root, Path p) {
        for (Path part : root.relativize(p)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
