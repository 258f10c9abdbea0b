package dev.graft.config;

import java.util.List;

/**
 * {@code backbone:} which pretrained ResNet to start from and which of its stages stay frozen.
 *
 * @param arch    architecture id, see {@link Arch}
 * @param weights {@code imagenet} (torchvision IMAGENET1K_V1), {@code imagenet_v2}, {@code none} (random init),
 *                a Hugging Face Hub id ({@link HubId}) or a path: a PyTorch {@code .pth}/{@code .th} file, a
 *                Hugging Face model folder, or a Graft DL4J {@code .zip}
 * @param freeze  stages that receive no updates (their BatchNorm uses running statistics)
 * @param normEval BatchNorm of the trainable stages too normalises with its running statistics and keeps them
 *                 (mmpretrain's norm_eval; for small batches); gamma and beta still learn
 */
public record BackboneConfig(
        @Doc("resnet18/34/50/101/152 (ImageNet layout) or resnet20/32/44/56/110_cifar")
        String arch,
        @Doc("imagenet (torchvision V1), imagenet_v2, none (random init), a Hugging Face Hub id (microsoft/resnet-50, hf://org/name@revision), or a path: .pth/.th file, Hugging Face folder, Graft .zip")
        String weights,
        @Doc("Stages that get no updates (BatchNorm in inference mode): all, none or a list of stem, stage1..stage4")
        StageSelection freeze,
        @Doc("BatchNorm in trainable stages uses and keeps its running statistics (gamma/beta still learn)")
        boolean normEval) implements ConfigSection {
    /** The weight keywords; anything else is a path. */
    public static final List<String> WEIGHT_KEYWORDS = List.of("imagenet", "imagenet_v1", "imagenet_v2", "none");

    public static BackboneConfig defaults() {
        return new BackboneConfig("resnet50", "imagenet", StageSelection.none(), false);
    }

    /** True when {@link #weights} names a file or folder rather than a keyword or a Hub id. */
    public boolean weightsIsPath() {
        return !WEIGHT_KEYWORDS.contains(weights) && !weights.startsWith(HubId.SCHEME) && hubId().isEmpty();
    }

    /** The Hugging Face Hub model {@link #weights} names, if it names one (see {@link HubId#parse}). */
    public java.util.Optional<HubId> hubId() {
        try {
            return HubId.parse(weights);
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    @Override
    public void validate(String path, ConfigErrors errors) {
        if (Arch.byId(arch).isEmpty()) {
            errors.add(path + ".arch", RecordBinder.unknownValueMessage(arch, Arch.ids()));
        }
        if (weights == null || weights.isBlank()) {
            errors.add(path + ".weights", "must be one of " + String.join(", ", WEIGHT_KEYWORDS) + ", a Hub id or a"
                    + " path");
        } else {
            try {
                HubId.parse(weights);
            } catch (IllegalArgumentException e) {
                errors.add(path + ".weights", e.getMessage());
            }
        } // whether a weights path exists is checked by FileChecks, on the machine that trains
    }
}
