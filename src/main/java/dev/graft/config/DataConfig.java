package dev.graft.config;

import java.util.List;
import java.util.Locale;

/**
 * {@code data:} where the images are and how they become tensors. Three layouts: {@code train}/{@code val}
 * (/{@code test}) folders with one sub-folder per class; one {@code root} folder per class split by
 * {@link #split}; or a {@link CsvConfig} manifest, also split by {@link #split}.
 *
 * @param imageSize  network input size; null means the backbone's default (224, CIFAR 32)
 * @param cropRatio  eval transform: resize the shorter side to imageSize / cropRatio, then centre-crop; null
 *                   means the backbone's default (0.875 = 224/256 for ImageNet layouts, 1 for CIFAR)
 * @param workers    decode threads; 0 means one per core
 * @param prefetch   batches decoded ahead of the model
 * @param mix        batch-level Mixup / CutMix ({@link MixConfig})
 */
public record DataConfig(
        @Doc("Training folder, one sub-folder per class")
        String train,
        @Doc("Validation folder (required with train)")
        String val,
        @Doc("Optional test folder, one sub-folder per class (with train, or with root instead of split.test)")
        String test,
        @Doc("One folder per class, split by data.split")
        String root,
        @Doc("none; shapes (into root), multilabel_shapes or shape_sizes (into csv.file's folder): generate Graft's "
                + "built-in synthetic dataset there when it is missing")
        Synthetic synthetic,
        @Doc("CSV manifest layout (instead of folders)")
        CsvConfig csv,
        @Doc("Held-out fractions for root / csv layouts")
        SplitConfig split,
        @Doc("Explicit class order (default: sorted names)")
        List<String> classes,
        @Doc("Binary tasks: the class whose probability is scored and thresholded (default: the second class)")
        String positiveClass,
        @Doc("Network input size (default: the backbone's, 224 or 32)")
        Integer imageSize,
        @Doc("Eval: resize shorter side to image_size / crop_ratio, then centre-crop (default: 0.875, CIFAR 1)")
        Double cropRatio,
        @Doc("Training augmentations, in order (ops below)")
        List<Augmentation> augment,
        @Doc("Loss weights: none, auto (inverse frequency) or one number per class")
        ClassWeights classWeights,
        @Doc("shuffle, or balanced (oversample minority classes each epoch)")
        Sampler sampler,
        @Doc("Image decode threads; 0 = one per core")
        int workers,
        @Doc("Batches prepared ahead of the model")
        int prefetch,
        @Doc("Batch-level Mixup / CutMix of the training images and their targets (single-label heads)")
        MixConfig mix)
        implements ConfigSection {

    /** A built-in dataset Graft can generate (for the offline quickstarts and smoke tests). */
    public enum Synthetic {
        /** No generation: the data is the user's. */
        NONE,
        /** One shape per image, a folder per class (single-label), generated into {@code data.root}. */
        SHAPES,
        /** 0 to 3 shapes per image, a CSV manifest of the shapes present (multi-label). */
        MULTILABEL_SHAPES,
        /** One square of a random size, a CSV manifest of its side in pixels (regression). */
        SHAPE_SIZES;

        /** The manifest the CSV sets write beside their {@link #IMAGES} folder. */
        public static final String MANIFEST = "labels.csv";
        /** The CSV sets' image folder. */
        public static final String IMAGES = "images";

        /** True for the sets described by a CSV manifest ({@code data.csv}) rather than class folders. */
        public boolean manifest() {
            return this == MULTILABEL_SHAPES || this == SHAPE_SIZES;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Sampler {
        SHUFFLE, BALANCED;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static DataConfig defaults() {
        return new DataConfig(null, null, null, null, Synthetic.NONE, null, SplitConfig.defaults(), List.of(),
                null, null, null, List.of(), ClassWeights.none(), Sampler.SHUFFLE, 0, 4, MixConfig.defaults());
    }

    /** The same section with the input size and crop ratio filled in. */
    public DataConfig withInput(int size, double crop) {
        return new DataConfig(train, val, test, root, synthetic, csv, split, classes, positiveClass, size, crop,
                augment, classWeights, sampler, workers, prefetch, mix);
    }

    /** The manifest sets generate {@code labels.csv} and {@code images/} into one folder: csv must name both. */
    private void checkSyntheticManifest(String path, ConfigErrors errors) {
        if (csv == null || csv.file() == null || csv.images() == null) {
            errors.add(path + ".csv", "is required with data.synthetic: " + synthetic
                    + " (csv.file: DIR/labels.csv, csv.images: DIR/images; Graft generates DIR)");
            return;
        }
        java.nio.file.Path file = java.nio.file.Path.of(csv.file()).normalize();
        java.nio.file.Path images = java.nio.file.Path.of(csv.images()).normalize();
        java.nio.file.Path folder = file.getParent() == null ? java.nio.file.Path.of("") : file.getParent();
        errors.check(file.getFileName().toString().equals(Synthetic.MANIFEST)
                        && images.equals(folder.resolve(Synthetic.IMAGES)),
                path + ".csv", "with data.synthetic: " + synthetic + " set file: DIR/labels.csv and images: "
                        + "DIR/images (was " + csv.file() + " and " + csv.images() + ")");
    }

    /** The layout and values; whether the folders exist is {@link FileChecks}' business. */
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
        if (train == null && val != null) {
            errors.add(path + ".train", "is required with data.val");
        }
        if (test != null && train == null && root == null) {
            errors.add(path + ".test", "goes with data.train or data.root (a CSV layout sets data.split.test)");
        }
        if (test != null && root != null && split.test() > 0) {
            errors.add(path + ".split.test", "must be 0 with a data.test folder (was "
                    + ConfigErrors.fmt(split.test()) + "): the test split is that folder");
        }
        if (synthetic == Synthetic.SHAPES) {
            errors.check(root != null, path + ".root", "is required with data.synthetic: shapes (where to generate it)");
        } else if (synthetic.manifest()) {
            checkSyntheticManifest(path, errors);
        }
        if (split.group() != null && !split.group().isBlank() && csv == null) {
            try {
                java.util.regex.Pattern.compile(split.group());
            } catch (java.util.regex.PatternSyntaxException e) {
                errors.add(path + ".split.group", "not a valid regular expression: " + e.getDescription());
            }
        }
        if (positiveClass != null && !classes.isEmpty()) {
            errors.check(classes.contains(positiveClass), path + ".positive_class",
                    RecordBinder.unknownValueMessage(positiveClass, classes));
            errors.check(classes.size() == 2, path + ".positive_class",
                    "needs a binary task (data.classes has " + classes.size() + " classes)");
        }
        for (int i = 0; i < classes.size(); i++) {
            errors.check(classes.indexOf(classes.get(i)) == i, path + ".classes[" + i + "]",
                    "class '" + classes.get(i) + "' is listed twice");
        }
        if (imageSize != null) {
            errors.check(imageSize >= 16 && imageSize <= 1024, path + ".image_size",
                    "must be in [16, 1024] (was " + imageSize + ")");
        }
        if (cropRatio != null) {
            errors.check(cropRatio > 0 && cropRatio <= 1, path + ".crop_ratio",
                    "must be in (0, 1] (was " + ConfigErrors.fmt(cropRatio) + ")");
        }
        errors.nonNegative(path + ".workers", workers);
        errors.check(prefetch >= 1, path + ".prefetch", "must be >= 1 (was " + prefetch + ")");
        if (classWeights.mode() == ClassWeights.Mode.EXPLICIT && !classes.isEmpty()) {
            errors.check(classWeights.weights().size() == classes.size(), path + ".class_weights",
                    "has " + classWeights.weights().size() + " weights for " + classes.size() + " classes");
        }
    }}
