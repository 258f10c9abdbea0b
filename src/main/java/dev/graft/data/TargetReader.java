package dev.graft.data;

import dev.graft.GraftException;
import dev.graft.config.CsvConfig;
import dev.graft.config.HeadConfig.Problem;
import dev.graft.config.RecordBinder;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Reads a multi-label or regression head's target from a CSV manifest row: a vector with one entry per output,
 * NaN where a label is unknown (an uncertain cell under {@code uncertain: ignore}; the loss masks it).
 * <ul>
 *   <li>multi-label, one cell: the labels present, joined by {@code data.csv.label_separator}; the labels are
 *   {@code data.classes} when given (a cell naming another is an error) or else every label the file names,
 *   sorted;</li>
 *   <li>multi-label, {@code data.csv.label_columns}: 1 present, 0 absent, -1 or blank uncertain;</li>
 *   <li>regression: the number in {@code data.csv.label_column}, raw (standardised later by
 *   {@link TargetScaling}).</li>
 * </ul>
 */
final class TargetReader {
    private final Problem problem;
    private final CsvConfig csv;
    private final List<String> names;
    private final int[] columns;
    private final String file;

    private TargetReader(Problem problem, CsvConfig csv, List<String> names, int[] columns, String file) {
        this.problem = problem;
        this.csv = csv;
        this.names = List.copyOf(names);
        this.columns = columns;
        this.file = file;
    }

    /** The reader of {@code manifest}'s targets; a missing column is a {@link dev.graft.config.ConfigException}. */
    static TargetReader of(Problem problem, CsvConfig csv, List<String> configuredClasses, CsvManifest manifest,
                           String file) {
        if (problem == Problem.REGRESSION) {
            int column = manifest.column(csv.labelColumn(), "data.csv.label_column");
            return new TargetReader(problem, csv, List.of(csv.labelColumn()), new int[] {column}, file);
        }
        if (csv.perLabelColumns()) {
            int[] columns = new int[csv.labelColumns().size()];
            for (int i = 0; i < columns.length; i++) {
                columns[i] = manifest.column(csv.labelColumns().get(i), "data.csv.label_columns[" + i + "]");
            }
            return new TargetReader(problem, csv, csv.labelColumns(), columns, file);
        }
        int column = manifest.column(csv.labelColumn(), "data.csv.label_column");
        List<String> names = configuredClasses.isEmpty() ? labelsIn(manifest, column, csv)
                : configuredClasses;
        if (names.isEmpty()) {
            throw GraftException.usage("data.csv.label_column: no cell of '" + csv.labelColumn() + "' in " + file
                    + " names a label; a multi-label cell lists labels joined by '" + csv.labelSeparator() + "'");
        }
        return new TargetReader(problem, csv, names, new int[] {column}, file);
    }

    /** The outputs' names in order: the labels, or the regression target's column. */
    List<String> names() {
        return names;
    }

    /** The column whose empty cell means "no target here" (the row is skipped), or -1 when none does. */
    int requiredColumn() {
        return problem == Problem.REGRESSION ? columns[0] : -1;
    }

    /**
     * Row {@code row}'s target.
     *
     * @param line the row's line in the file, for messages
     * @throws GraftException (usage) for a label not in the list, a non-numeric target or a bad 1/0/-1 cell
     */
    float[] read(CsvManifest manifest, int row, int line) {
        if (problem == Problem.REGRESSION) {
            return new float[] {number(manifest.value(row, columns[0]), line)};
        }
        if (csv.perLabelColumns()) {
            float[] target = new float[columns.length];
            for (int i = 0; i < columns.length; i++) {
                target[i] = indicator(manifest.value(row, columns[i]), csv.labelColumns().get(i), line);
            }
            return target;
        }
        float[] target = new float[names.size()];
        for (String label : labels(manifest.value(row, columns[0]), csv)) {
            int index = names.indexOf(label);
            if (index < 0) {
                throw GraftException.usage("data.csv.label_column: " + file + " line " + line + " names label '"
                        + label + "': " + RecordBinder.unknownValueMessage(label, names)
                        + " (add it to data.classes, or fix the cell)");
            }
            target[index] = 1f;
        }
        return target;
    }

    private float number(String cell, int line) {
        try {
            float value = Float.parseFloat(cell);
            if (Float.isFinite(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw GraftException.usage("data.csv.label_column: '" + cell + "' in column '" + csv.labelColumn() + "' of "
                + file + " line " + line + " is not a number; a regression target must be numeric");
    }

    private float indicator(String cell, String column, int line) {
        String value = cell.endsWith(".0") ? cell.substring(0, cell.length() - 2) : cell;
        switch (value) {
            case "1":
                return 1f;
            case "0":
                return 0f;
            case "-1":
            case "":
                return switch (csv.uncertain()) {
                    case IGNORE -> Float.NaN;
                    case ZEROS -> 0f;
                    case ONES -> 1f;
                };
            default:
                throw GraftException.usage("data.csv.label_columns: '" + cell + "' in column '" + column + "' of "
                        + file + " line " + line + " is not 1, 0, -1 (uncertain) or blank");
        }
    }

    private static List<String> labelsIn(CsvManifest manifest, int column, CsvConfig csv) {
        TreeSet<String> labels = new TreeSet<>();
        for (int row = 0; row < manifest.rowCount(); row++) {
            labels.addAll(labels(manifest.value(row, column), csv));
        }
        return new ArrayList<>(labels);
    }

    /** The labels a cell names: none for an empty cell or {@code data.csv.no_label}, else its separated parts. */
    private static List<String> labels(String cell, CsvConfig csv) {
        List<String> out = new ArrayList<>();
        if (!csv.noLabel().isEmpty() && cell.trim().equals(csv.noLabel())) {
            return out;
        }
        for (String part : cell.split(java.util.regex.Pattern.quote(csv.labelSeparator()), -1)) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }
}
