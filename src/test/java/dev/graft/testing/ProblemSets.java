package dev.graft.testing;

import dev.graft.data.SyntheticShapes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Tiny multi-label and regression sets for the training-path tests (issue 17): Graft's synthetic shapes, the
 * multi-label one also as CheXpert-style 1/0 columns with uncertain cells, and the data sections that read them.
 */
public final class ProblemSets {
    /** The label columns file written beside the multi-label manifest. */
    public static final String COLUMNS = "columns.csv";

    private ProblemSets() {
    }

    /** {@code dir/multi} ({@code count} images, with {@link #COLUMNS}) and {@code dir/sizes}. */
    public static void generate(Path dir, int count, int size, long seed) throws IOException {
        SyntheticShapes.generateMultiLabel(dir.resolve("multi"), count, size, seed);
        SyntheticShapes.generateSizes(dir.resolve("sizes"), count, size, seed + 1);
        writeColumns(dir.resolve("multi"));
    }

    /** The multi-label manifest as one 1/0 column per shape, every fourth image's square cell blank (uncertain). */
    private static void writeColumns(Path root) throws IOException {
        List<String> rows = Files.readAllLines(root.resolve(SyntheticShapes.MANIFEST));
        StringBuilder csv = new StringBuilder("image,circle,square,triangle\n");
        for (int i = 1; i < rows.size(); i++) {
            String[] cells = rows.get(i).split(",", -1);
            List<String> shapes = List.of(cells[1].split("\\|"));
            csv.append(cells[0]).append(',').append(shapes.contains("circle") ? 1 : 0).append(',')
                    .append(i % 4 == 0 ? "" : shapes.contains("square") ? "1" : "0").append(',')
                    .append(shapes.contains("triangle") ? 1 : 0).append('\n');
        }
        Files.writeString(root.resolve(COLUMNS), csv.toString());
    }

    /**
     * The {@code data.csv} mapping for {@code problem} on the sets in {@code dir}: the multi-label columns with
     * {@code uncertain: ignore}, or the shape size.
     */
    public static String csv(Path dir, String problem) {
        if (problem.equals("multi_label")) {
            Path root = dir.resolve("multi");
            return "{file: %s, images: %s, label_columns: [circle, square, triangle], uncertain: ignore}"
                    .formatted(root.resolve(COLUMNS), root.resolve("images"));
        }
        Path root = dir.resolve("sizes");
        return "{file: %s, images: %s, label_column: %s}".formatted(root.resolve(SyntheticShapes.MANIFEST),
                root.resolve("images"), SyntheticShapes.SIZE_COLUMN);
    }
}
