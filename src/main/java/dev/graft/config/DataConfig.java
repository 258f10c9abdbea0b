package dev.graft.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code data:} where the images are and how they become tensors. Three layouts: {@code train}/{@code val}
 * (/{@code test}) folders with one sub-folder per class; one {@code root} folder per class split by
 * {@link #split}; or a {@link CsvConfig} manifest, also split by {@link #split}.
 *
 * @param imageSize  network input size; null means the backbone's default (224, CIFAR 32)
 * @param cropRatio  eval transform: resize the shorter side to imageSize / cropRatio, then centre-crop
 * @param workers    decode threads; 0 means one per core
 * @param prefetch   batches decoded ahead of the model
 */
public record DataConfig(String train, String val, String test, String root, CsvConfig csv, SplitConfig split,
                         List<String> classes, Integer imageSize, double cropRatio, List<Augmentation> augment,
                         ClassWeights classWeights, Sampler sampler, int workers, int prefetch)
        implements ConfigSection {

    public enum Sampler {
        SHUFFLE, BALANCED;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static DataConfig defaults() {
        return new DataConfig(null, null, null, null, null, SplitConfig.defaults(), List.of(), null, 0.875,
                List.of(), ClassWeights.none(), Sampler.SHUFFLE, 0, 4);
    }

    public DataConfig withImageSize(int size) {
        return new DataConfig(train, val, test, root, csv, split, classes, size, cropRatio, augment, classWeights,
                sampler, workers, prefetch);
    }

    /** The folders and files this section names, for existence checks. */
    @Override
    public void validate(String path, ConfigErrors errors) {
        int layouts = (train != null ? 1 : 0) + (root != null ? 1 : 0) + (csv != null ? 1 : 0);
        if (layouts == 0) {
            errors.add(path, "set one layout: train + val folders, root (split by data.split), or csv");
        } else if (layouts > 1) {
            errors.add(path, "set only one of train, root, csv (found " + layouts + ")");
        }
        if (train != null && val == null) {
            errors.add(path + ".val", "is required with data.train (or use data.root with data.split)");
        }
        if (train == null && (val != null || test != null)) {
            errors.add(path + ".train", "is required with data.val / data.test");
        }
        existingFolder(path + ".train", train, errors);
        existingFolder(path + ".val", val, errors);
        existingFolder(path + ".test", test, errors);
        existingFolder(path + ".root", root, errors);
        if (csv != null) {
            if (csv.file() != null && !Files.isRegularFile(Path.of(csv.file()))) {
                errors.add(path + ".csv.file", "no such file: " + csv.file());
            }
            existingFolder(path + ".csv.images", csv.images(), errors);
        }
        for (int i = 0; i < classes.size(); i++) {
            errors.check(classes.indexOf(classes.get(i)) == i, path + ".classes[" + i + "]",
                    "class '" + classes.get(i) + "' is listed twice");
        }
        if (imageSize != null) {
            errors.check(imageSize >= 16 && imageSize <= 1024, path + ".image_size",
                    "must be in [16, 1024] (was " + imageSize + ")");
        }
        errors.check(cropRatio > 0 && cropRatio <= 1, path + ".crop_ratio",
                "must be in (0, 1] (was " + ConfigErrors.fmt(cropRatio) + ")");
        errors.nonNegative(path + ".workers", workers);
        errors.check(prefetch >= 1, path + ".prefetch", "must be >= 1 (was " + prefetch + ")");
        if (classWeights.mode() == ClassWeights.Mode.EXPLICIT && !classes.isEmpty()) {
            errors.check(classWeights.weights().size() == classes.size(), path + ".class_weights",
                    "has " + classWeights.weights().size() + " weights for " + classes.size() + " classes");
        }
    }

    private static void existingFolder(String path, String folder, ConfigErrors errors) {
        if (folder != null && !Files.isDirectory(Path.of(folder))) {
            errors.add(path, Files.exists(Path.of(folder)) ? "is not a folder: " + folder
                    : "no such folder: " + folder);
        }
    }
}
