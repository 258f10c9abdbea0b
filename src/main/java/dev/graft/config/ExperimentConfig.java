package dev.graft.config;

import java.util.regex.Pattern;

/**
 * One experiment file: everything a run needs, immutable and validated. Load with {@link ConfigLoader}.
 *
 * @param name run folder name under {@code experiments/}; defaults to the config file's name
 * @param seed root seed; split, shuffle, augmentation and init seeds are derived from it
 */
public record ExperimentConfig(
        @Doc("Run folder name under experiments/; defaults to the config file name")
        String name,
        @Doc("Root seed; split, shuffle, augmentation and init seeds derive from it")
        long seed,
        @Doc("Pretrained ResNet to start from")
        BackboneConfig backbone,
        @Doc("New classifier on the pooled features")
        HeadConfig head,
        @Doc("Images and their preprocessing")
        DataConfig data,
        @Doc("The fit loop")
        TrainConfig train,
        @Doc("What to keep")
        CheckpointConfig checkpoint,
        @Doc("After training: calibration, the binary operating point, the scored test split")
        EvaluationConfig evaluation,
        @Doc("Inference bundle written after training")
        ExportConfig export)
        implements ConfigSection {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    public static ExperimentConfig defaults() {
        return defaults(HeadConfig.Problem.SINGLE_LABEL);
    }

    /** The defaults of a {@code problem} head (they differ in what checkpoints monitor). */
    public static ExperimentConfig defaults(HeadConfig.Problem problem) {
        return new ExperimentConfig(null, 42, BackboneConfig.defaults(), HeadConfig.defaults(), DataConfig.defaults(),
                TrainConfig.defaults(), CheckpointConfig.defaults(problem),
                EvaluationConfig.defaults(), ExportConfig.defaults());
    }

    /** The architecture; only call on a validated config. */
    public Arch arch() {
        return Arch.byId(backbone.arch()).orElseThrow();
    }

    /** The network input size: {@code data.image_size}, or the backbone's default. */
    public int imageSize() {
        return data.imageSize() != null ? data.imageSize() : arch().defaultImageSize();
    }

    /** The eval crop ratio: {@code data.crop_ratio}, or the backbone's default. */
    public double cropRatio() {
        return data.cropRatio() != null ? data.cropRatio() : arch().family().defaultCropRatio();
    }

    ExperimentConfig withName(String newName) {
        return new ExperimentConfig(newName, seed, backbone, head, data, train, checkpoint, evaluation, export);
    }

    ExperimentConfig withData(DataConfig newData) {
        return new ExperimentConfig(name, seed, backbone, head, newData, train, checkpoint, evaluation, export);
    }

    /** Checks that need more than one section: stage names against the arch, unfreezing against freezing. */
    @Override
    public void validate(String path, ConfigErrors errors) {
        if (name == null || !NAME.matcher(name).matches()) {
            errors.add("name", "must be letters, digits, '.', '_' or '-' (was '" + name + "')");
        }
        Arch arch = Arch.byId(backbone.arch()).orElse(null);
        if (arch == null) {
            return; // reported by BackboneConfig
        }
        new FreezeSchedule(arch, backbone.freeze(), train.unfreeze()).check(errors);
        if (data.imageSize() != null && data.imageSize() >= 16 && arch.family() == Arch.Family.IMAGENET) {
            errors.check(data.imageSize() >= 32, "data.image_size",
                    "must be >= 32 for " + arch.id() + " (was " + data.imageSize() + ")");
        }
        new ProblemChecks(this).check(errors);
        data.mix().checkWith(this, errors);
    }
}
