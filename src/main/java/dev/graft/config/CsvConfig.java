package dev.graft.config;

import java.util.List;

/**
 * {@code data.csv:} a manifest with one row per image, e.g. HAM10000's metadata
 * ({@code image_column: image_id, label_column: dx}).
 *
 * @param file        the CSV file
 * @param images      folder holding the images (searched recursively)
 * @param extension   appended to ids that have none; empty means try .jpg, .jpeg, .png
 * @param noLabel     a multi-label cell that means "none of the labels" (besides the empty cell)
 */
public record CsvConfig(
        @Doc("The CSV file")
        String file,
        @Doc("Folder holding the images (searched recursively)")
        String images,
        @Doc("Column with the image file name or id")
        String imageColumn,
        @Doc("Column with the class label; multi_label: the labels joined by label_separator; regression: the number")
        String labelColumn,
        @Doc("multi_label: separator of the labels in one label_column cell (empty cell: no label)")
        String labelSeparator,
        @Doc("multi_label: one 1/0 column per label instead of label_column (-1 or blank: uncertain)")
        List<String> labelColumns,
        @Doc("multi_label with label_columns: a -1 or blank cell is ignore (no loss), zeros or ones")
        Uncertain uncertain,
        @Doc("Appended to ids without one; empty tries .jpg, .jpeg, .png")
        String extension,
        @Doc("multi_label: a label_column cell meaning no label at all, e.g. 'No Finding' (NIH ChestX-ray14)")
        String noLabel)
        implements ConfigSection {
    /** What a CheXpert-style uncertain ({@code -1}) or blank cell of a label column becomes. */
    public enum Uncertain {
        /** Unknown: that label contributes no loss and is left out of its metrics. */
        IGNORE,
        /** Read as absent (0). */
        ZEROS,
        /** Read as present (1). */
        ONES;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static CsvConfig defaults() {
        return new CsvConfig(null, null, "image", "label", "|", List.of(), Uncertain.IGNORE, "", "");
    }

    /** True when each label has its own column ({@code label_columns}) rather than one label cell. */
    public boolean perLabelColumns() {
        return !labelColumns.isEmpty();
    }

    @Override
    public void validate(String path, ConfigErrors errors) {
        errors.check(file != null, path + ".file", "is required (the CSV manifest)");
        errors.check(images != null, path + ".images", "is required (the folder holding the images)");
        errors.check(imageColumn != null && !imageColumn.isBlank(), path + ".image_column", "must not be empty");
        errors.check(labelColumn != null && !labelColumn.isBlank(), path + ".label_column", "must not be empty");
        errors.check(labelSeparator != null && !labelSeparator.isEmpty(), path + ".label_separator",
                "must not be empty");
        errors.check(noLabel != null, path + ".no_label", "must not be null (leave it out for none)");
        for (int i = 0; i < labelColumns.size(); i++) {
            errors.check(labelColumns.indexOf(labelColumns.get(i)) == i, path + ".label_columns[" + i + "]",
                    "column '" + labelColumns.get(i) + "' is listed twice");
        }
    }
}
