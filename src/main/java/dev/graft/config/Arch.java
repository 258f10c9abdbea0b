package dev.graft.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The ResNet architectures Graft can build, with the facts a config needs to be validated
 * (family, stage names, default input size). The layer-level facts live in {@code dev.graft.backbone}.
 */
public enum Arch {
    RESNET18("resnet18", Family.IMAGENET, 18),
    RESNET34("resnet34", Family.IMAGENET, 34),
    RESNET50("resnet50", Family.IMAGENET, 50),
    RESNET101("resnet101", Family.IMAGENET, 101),
    RESNET152("resnet152", Family.IMAGENET, 152),
    RESNET20_CIFAR("resnet20_cifar", Family.CIFAR, 20),
    RESNET32_CIFAR("resnet32_cifar", Family.CIFAR, 32),
    RESNET44_CIFAR("resnet44_cifar", Family.CIFAR, 44),
    RESNET56_CIFAR("resnet56_cifar", Family.CIFAR, 56),
    RESNET110_CIFAR("resnet110_cifar", Family.CIFAR, 110);

    /** ImageNet layout (He et al. 2015 / torchvision) or the CIFAR layout of section 4.2. */
    public enum Family {
        IMAGENET(224, 224.0 / 256, List.of("stem", "stage1", "stage2", "stage3", "stage4")),
        CIFAR(32, 1.0, List.of("stem", "stage1", "stage2", "stage3"));

        private final int defaultImageSize;
        private final double defaultCropRatio;
        private final List<String> stages;

        Family(int defaultImageSize, double defaultCropRatio, List<String> stages) {
            this.defaultImageSize = defaultImageSize;
            this.defaultCropRatio = defaultCropRatio;
            this.stages = stages;
        }

        /** Evaluation crop: torchvision resizes ImageNet images to 256 for a 224 crop; CIFAR models see it all. */
        public double defaultCropRatio() {
            return defaultCropRatio;
        }

        public int defaultImageSize() {
            return defaultImageSize;
        }

        public List<String> stages() {
            return stages;
        }
    }

    private final String id;
    private final Family family;
    private final int depth;

    Arch(String id, Family family, int depth) {
        this.id = id;
        this.family = family;
        this.depth = depth;
    }

    /** The name used in config files and on the command line, e.g. {@code resnet50}. */
    public String id() {
        return id;
    }

    public Family family() {
        return family;
    }

    public int depth() {
        return depth;
    }

    /** Stage names in forward order, starting with {@code stem}. */
    public List<String> stages() {
        return family.stages();
    }

    public int defaultImageSize() {
        return family.defaultImageSize();
    }

    public static Optional<Arch> byId(String id) {
        return Arrays.stream(values()).filter(a -> a.id.equalsIgnoreCase(id)).findFirst();
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(Arch::id).toList();
    }

    @Override
    public String toString() {
        return id;
    }
}
