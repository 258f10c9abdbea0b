package dev.graft.data;

import dev.graft.config.CsvConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The CSV manifest layout: one row per image with an image column and a label column; images are found by
 * name anywhere under {@code data.csv.images}. Ids without an extension (HAM10000's {@code image_id}) get
 * {@code data.csv.extension}, or else the first of .jpg, .jpeg, .png that exists; names match case-insensitively
 * when no exact match exists. Rows whose image cannot be found are skipped and reported.
 */
final class CsvLayout {
    private static final Logger LOG = LoggerFactory.getLogger(CsvLayout.class);
    private static final List<String> DEFAULT_EXTENSIONS = List.of(".jpg", ".jpeg", ".png");
    private static final int WARN_LINES = 10;

    private CsvLayout() {
    }

    /**
     * Rows to candidates (split decided later); rows without a file go to {@code missing}.
     *
     * @param groupColumn the column naming each row's group ({@code data.split.group}), or null
     * @param targets     fills in {@code targets.names()} with the output names of a multi-label or regression
     *                    head and gives each candidate its target; null for a single-label head
     */
    static List<Candidate> read(CsvConfig csv, String groupColumn, List<SkippedFile> missing, Targets targets) {
        Path file = Path.of(csv.file());
        if (!Files.isRegularFile(file)) {
            FolderLayout.requireFolder(file.toAbsolutePath().getParent(), "data.csv.file");
            throw new dev.graft.GraftException("data.csv.file: no such file: " + file);
        }
        Path images = Path.of(csv.images());
        FolderLayout.requireFolder(images, "data.csv.images");
        CsvManifest manifest = CsvManifest.read(file);
        int imageColumn = manifest.column(csv.imageColumn(), "data.csv.image_column");
        TargetReader reader = targets == null ? null
                : TargetReader.of(targets.problem(), csv, targets.configuredClasses(), manifest,
                file.getFileName().toString());
        if (reader != null) {
            targets.names().addAll(reader.names());
        }
        // A multi-label row may have an empty label cell (no finding) or no label cell at all (label_columns).
        int labelColumn = reader == null ? manifest.column(csv.labelColumn(), "data.csv.label_column")
                : reader.requiredColumn();
        int group = groupColumn == null ? -1 : manifest.column(groupColumn, "data.split.group");
        Index index = new Index(images, extensions(csv.extension()));
        List<Candidate> candidates = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        int problems = 0;
        for (int row = 0; row < manifest.rowCount(); row++) {
            String id = manifest.value(row, imageColumn);
            String label = labelColumn < 0 ? "-" : manifest.value(row, labelColumn);
            String where = file.getFileName() + " line " + manifest.line(row);
            String problem = null;
            Path path = null;
            if (id.isEmpty() || label.isEmpty()) {
                problem = "empty " + (id.isEmpty() ? csv.imageColumn() : csv.labelColumn()) + " (" + where + ")";
            } else {
                path = index.find(id);
                if (path == null) {
                    problem = "no image file for id '" + id + "' under " + images + " (tried " + index.tried(id) + ")";
                } else if (!seen.add(path)) {
                    problem = "listed again at " + where + "; the first row counts";
                }
            }
            if (problem != null) {
                missing.add(new SkippedFile(path != null ? path.toString() : id, null, label.isEmpty() ? null : label,
                        problem));
                if (++problems <= WARN_LINES) {
                    LOG.warn("skipping {}: {}", where, problem);
                }
                continue;
            }
            float[] target = reader == null ? null : reader.read(manifest, row, manifest.line(row));
            candidates.add(new Candidate(path, reader == null ? label : "-", null,
                    group < 0 ? null : manifest.value(row, group), target));
        }
        if (problems > WARN_LINES) {
            LOG.warn("skipped {} more CSV rows (all listed in data-report.json)", problems - WARN_LINES);
        }
        return candidates;
    }

    /**
     * What a multi-label or regression head asks of the CSV: its problem and {@code data.classes}; {@code names}
     * receives the outputs' names.
     */
    record Targets(dev.graft.config.HeadConfig.Problem problem, List<String> configuredClasses, List<String> names) {
    }

    private static List<String> extensions(String configured) {
        if (configured == null || configured.isBlank()) {
            return DEFAULT_EXTENSIONS;
        }
        return List.of(configured.startsWith(".") ? configured : "." + configured);
    }

    /** File name to path for every file under the image folder. */
    private static final class Index {
        private final Path root;
        private final List<String> extensions;
        private final Map<String, Path> byName = new HashMap<>();
        private final Map<String, Path> byLowerName = new HashMap<>();

        Index(Path root, List<String> extensions) {
            this.root = root;
            this.extensions = extensions;
            for (Path p : FolderLayout.filesUnder(root)) { // sorted: the first of equal names wins
                String name = p.getFileName().toString();
                byName.putIfAbsent(name, p);
                byLowerName.putIfAbsent(name.toLowerCase(Locale.ROOT), p);
            }
        }

        Path find(String id) {
            if (id.contains("/") || id.contains("\\")) {
                Path direct = root.resolve(id.replace('\\', '/'));
                if (Files.isRegularFile(direct)) {
                    return direct;
                }
                id = direct.getFileName().toString();
            }
            for (String name : names(id)) {
                Path p = byName.get(name);
                if (p != null) {
                    return p;
                }
            }
            for (String name : names(id)) {
                Path p = byLowerName.get(name.toLowerCase(Locale.ROOT));
                if (p != null) {
                    return p;
                }
            }
            return null;
        }

        private List<String> names(String id) {
            List<String> names = new ArrayList<>();
            names.add(id);
            for (String ext : extensions) {
                names.add(id + ext);
            }
            return names;
        }

        String tried(String id) {
            return String.join(", ", names(id));
        }
    }
}
