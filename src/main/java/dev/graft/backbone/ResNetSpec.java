package dev.graft.backbone;

import dev.graft.config.Arch;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The shape of one ResNet, enough to build it: stem, block type, blocks per stage, stage widths, strides,
 * shortcut kind and the optional classifier. {@link #of(Arch)} gives the published architectures; any other
 * depths and widths can be described too (reduced-width test models, Hugging Face {@code config.json}).
 *
 * @param name        a label for logs and cache keys, e.g. {@code resnet50}
 * @param stem        the stem layout
 * @param block       basic (two 3x3) or bottleneck (1x1, 3x3, 1x1) residual blocks
 * @param depths      blocks per stage, one entry per stage
 * @param widths      output channels of each stage (for bottlenecks: 4x the inner width)
 * @param stemWidth   channels out of the stem convolution
 * @param strides     stride of the first block of each stage
 * @param strideOn3x3 bottleneck only: the stride sits on the 3x3 convolution (torchvision's "v1.5") rather
 *                    than on the first 1x1 (the original paper, Hugging Face {@code downsample_in_bottleneck})
 * @param shortcut    how a block whose shape changes forms its shortcut
 * @param numClasses  outputs of the {@code fc} classifier on top of the pooled features; 0 for none
 */
public record ResNetSpec(String name, Stem stem, Block block, List<Integer> depths, List<Integer> widths,
                         int stemWidth, List<Integer> strides, boolean strideOn3x3, Shortcut shortcut,
                         int numClasses) {

    /** The first layers, before {@code stage1}. */
    public enum Stem {
        /** 7x7/2 convolution, BatchNorm, ReLU, 3x3/2 max-pool (ImageNet layout, 4x down-sampling). */
        IMAGENET,
        /** 3x3/1 convolution, BatchNorm, ReLU (CIFAR layout, no down-sampling). */
        CIFAR
    }

    /** Residual block type, with the ratio of output to inner channels. */
    public enum Block {
        BASIC(1), BOTTLENECK(4);

        private final int expansion;

        Block(int expansion) {
            this.expansion = expansion;
        }

        /** Output channels divided by inner (3x3) channels. */
        public int expansion() {
            return expansion;
        }
    }

    /** The shortcut of a block whose channels or resolution change. */
    public enum Shortcut {
        /** 1x1 convolution (stride s) + BatchNorm, torchvision's {@code downsample} (option B). */
        PROJECTION,
        /** Parameter-free: take every second pixel and zero-pad the channels on both sides (option A). */
        ZERO_PAD
    }

    public ResNetSpec {
        Objects.requireNonNull(name, "name");
        depths = List.copyOf(depths);
        widths = List.copyOf(widths);
        strides = List.copyOf(strides);
        if (depths.isEmpty() || depths.size() != widths.size() || depths.size() != strides.size()) {
            throw new IllegalArgumentException("depths, widths and strides need one entry per stage: " + depths
                    + ", " + widths + ", " + strides);
        }
        for (int i = 0; i < depths.size(); i++) {
            if (depths.get(i) < 1 || widths.get(i) < 1 || strides.get(i) < 1) {
                throw new IllegalArgumentException("stage " + (i + 1) + " needs depth, width and stride >= 1");
            }
            if (block == Block.BOTTLENECK && widths.get(i) % block.expansion() != 0) {
                throw new IllegalArgumentException("bottleneck stage width " + widths.get(i)
                        + " is not a multiple of " + block.expansion());
            }
        }
        if (stemWidth < 1 || numClasses < 0) {
            throw new IllegalArgumentException("stemWidth must be >= 1 and numClasses >= 0");
        }
    }

    /** The published layout of {@code arch}, with a {@code fc} of 1000 (ImageNet) or 10 (CIFAR) classes. */
    public static ResNetSpec of(Arch arch) {
        return switch (arch) {
            case RESNET18 -> imagenet(arch, Block.BASIC, List.of(2, 2, 2, 2));
            case RESNET34 -> imagenet(arch, Block.BASIC, List.of(3, 4, 6, 3));
            case RESNET50 -> imagenet(arch, Block.BOTTLENECK, List.of(3, 4, 6, 3));
            case RESNET101 -> imagenet(arch, Block.BOTTLENECK, List.of(3, 4, 23, 3));
            case RESNET152 -> imagenet(arch, Block.BOTTLENECK, List.of(3, 8, 36, 3));
            case RESNET20_CIFAR, RESNET32_CIFAR, RESNET44_CIFAR, RESNET56_CIFAR, RESNET110_CIFAR -> cifar(arch);
        };
    }

    private static ResNetSpec imagenet(Arch arch, Block block, List<Integer> depths) {
        int e = block.expansion();
        return new ResNetSpec(arch.id(), Stem.IMAGENET, block, depths, List.of(64 * e, 128 * e, 256 * e, 512 * e),
                64, List.of(1, 2, 2, 2), true, Shortcut.PROJECTION, 1000);
    }

    private static ResNetSpec cifar(Arch arch) {
        int n = (arch.depth() - 2) / 6;
        return new ResNetSpec(arch.id(), Stem.CIFAR, Block.BASIC, List.of(n, n, n), List.of(16, 32, 64), 16,
                List.of(1, 2, 2), true, Shortcut.ZERO_PAD, 10);
    }

    /** The same network with a classifier of {@code classes} outputs (0: no classifier). */
    public ResNetSpec withClasses(int classes) {
        return new ResNetSpec(name, stem, block, depths, widths, stemWidth, strides, strideOn3x3, shortcut, classes);
    }

    /** The same network under another label. */
    public ResNetSpec withName(String newName) {
        return new ResNetSpec(newName, stem, block, depths, widths, stemWidth, strides, strideOn3x3, shortcut,
                numClasses);
    }

    /** Number of residual stages (4 for ImageNet layouts, 3 for CIFAR). */
    public int stageCount() {
        return depths.size();
    }

    /** Stage names in forward order: {@code stem}, {@code stage1}, ... */
    public List<String> stageNames() {
        List<String> names = new ArrayList<>();
        names.add(VertexNames.STEM);
        for (int s = 1; s <= stageCount(); s++) {
            names.add(VertexNames.stage(s));
        }
        return List.copyOf(names);
    }

    /** Channels of the pooled feature vector: the last stage's width. */
    public int featureWidth() {
        return widths.get(widths.size() - 1);
    }

    /** Inner (3x3) channels of the blocks of stage {@code s} (1-based). */
    public int innerWidth(int s) {
        return widths.get(s - 1) / block.expansion();
    }

    /** Channels entering stage {@code s} (1-based). */
    public int inputWidth(int s) {
        return s == 1 ? stemWidth : widths.get(s - 2);
    }

    /** True when the network has a {@code fc} classifier. */
    public boolean hasClassifier() {
        return numClasses > 0;
    }

    /**
     * Same layers as {@code other}, ignoring name and classifier size: used to check that a checkpoint's own
     * description (Hugging Face {@code config.json}) is the architecture the user asked for.
     */
    public boolean sameBackbone(ResNetSpec other) {
        return stem == other.stem && block == other.block && depths.equals(other.depths)
                && widths.equals(other.widths) && stemWidth == other.stemWidth && strides.equals(other.strides)
                && (block == Block.BASIC || strideOn3x3 == other.strideOn3x3) && shortcut == other.shortcut;
    }

    /** One line for logs: {@code resnet50 (bottleneck [3, 4, 6, 3], widths [256, ...], fc 1000)}. */
    public String describe() {
        return name + " (" + block.name().toLowerCase(java.util.Locale.ROOT) + " " + depths + ", widths " + widths
                + ", stem " + stemWidth + (hasClassifier() ? ", fc " + numClasses : ", no fc") + ")";
    }
}
