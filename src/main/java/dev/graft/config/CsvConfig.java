package dev.graft.config;

/**
 * {@code data.csv:} a manifest with one row per image, e.g. HAM10000's metadata
 * ({@code image_column: image_id, label_column: dx}).
 *
 * @param file        the CSV file
 * @param images      folder holding the images (searched recursively)
 * @param extension   appended to ids that have none; empty means try .jpg, .jpeg, .png
 */
public record CsvConfig(
        @Doc("The CSV file")
        String file,
        @Doc("Folder holding the images (searched recursively)")
        String images,
        @Doc("Column with the image file name or id")
        String imageColumn,
        @Doc("Column with the class label")
        String labelColumn,
        @Doc("Appended to ids without one; empty tries .jpg, .jpeg, .png")
        String extension)
        implements ConfigSection {
    public static CsvConfig defaults() {
        return new CsvConfig(null, null, "image", "label", "");
    }

    @Override
    public void validate(String path, ConfigErrors errors) {
        errors.check(file != null, path + ".file", "is required (the CSV manifest)");
        errors.check(images != null, path + ".images", "is required (the folder holding the images)");
        errors.check(imageColumn != null && !imageColumn.isBlank(), path + ".image_column", "must not be empty");
        errors.check(labelColumn != null && !labelColumn.isBlank(), path + ".label_column", "must not be empty");
    }
}
