package dev.graft.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The checks of a config against this machine: its data folders and files and its weights file exist. They are
 * kept apart from the schema ({@link ConfigSection#validate}) so that a config binds anywhere: a run's resolved
 * {@code config.yaml} on another machine, or a shipped config before its data is downloaded
 * ({@code graft validate --schema-only}).
 */
public final class FileChecks {
    /** Which files a loader checks after binding. */
    public enum Scope {
        /** None: the schema only. */
        NONE,
        /** The data folders and files (what training and {@code graft data} read). */
        DATA,
        /** The data and {@code backbone.weights} when it is a path. */
        ALL
    }

    private FileChecks() {
    }

    /** Adds an error for every file or folder within {@code scope} that the config names but this machine lacks. */
    public static void check(ExperimentConfig config, Scope scope, ConfigErrors errors) {
        if (scope == Scope.NONE || config == null || config.data() == null || config.backbone() == null) {
            return; // nothing bound to check: the schema errors say why
        }
        DataConfig data = config.data();
        folder("data.train", data.train(), errors);
        folder("data.val", data.val(), errors);
        folder("data.test", data.test(), errors);
        if (data.synthetic() == DataConfig.Synthetic.NONE) {
            folder("data.root", data.root(), errors);
        }
        if (data.csv() != null && !data.synthetic().manifest()) {
            file("data.csv.file", data.csv().file(), errors);
            folder("data.csv.images", data.csv().images(), errors);
        }
        BackboneConfig backbone = config.backbone();
        if (scope == Scope.ALL && backbone.weights() != null && backbone.weightsIsPath()
                && !Files.exists(Path.of(backbone.weights()))) {
            errors.add("backbone.weights", "no such file or folder: " + backbone.weights() + " (or use one of "
                    + String.join(", ", BackboneConfig.WEIGHT_KEYWORDS) + ", or a Hub id such as microsoft/resnet-50)");
        }
    }

    private static void folder(String key, String folder, ConfigErrors errors) {
        if (folder == null || Files.isDirectory(Path.of(folder))) {
            return;
        }
        errors.add(key, Files.exists(Path.of(folder)) ? "is not a folder: " + folder
                : "no such folder: " + folder + guideHint(Path.of(folder)));
    }

    private static void file(String key, String file, ConfigErrors errors) {
        if (file != null && !Files.isRegularFile(Path.of(file))) {
            errors.add(key, "no such file: " + file + guideHint(Path.of(file)));
        }
    }

    /**
     * Where to get missing data: the guide of the {@code datasets/<name>/} folder the path lies in (the shipped
     * application configs read their data from there), or nothing when there is no such guide.
     */
    static String guideHint(Path missing) {
        for (Path dir = missing.toAbsolutePath().getParent(); dir != null && dir.getParent() != null;
             dir = dir.getParent()) {
            Path guide = dir.resolve("README.md");
            if (dir.getParent().getFileName() != null && dir.getParent().getFileName().toString().equals("datasets")
                    && Files.isRegularFile(guide)) {
                return "; the data is not there yet: " + display(guide) + " says how to get it (graft validate "
                        + "--schema-only checks the config without its data)";
            }
        }
        return "";
    }

    /** The path relative to the working directory when it lies below it (datasets/x/README.md), else absolute. */
    private static String display(Path path) {
        Path here = Path.of("").toAbsolutePath();
        Path absolute = path.toAbsolutePath().normalize();
        return absolute.startsWith(here) ? here.relativize(absolute).toString() : absolute.toString();
    }
}
