package dev.graft.backbone;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Translates between Graft's vertex names and PyTorch state-dict keys. The canonical key layout is
 * torchvision's ({@code conv1}, {@code bn1}, {@code layer2.0.conv1}, {@code layer2.0.downsample.0},
 * {@code fc}); Hugging Face transformers keys and the CIFAR models' {@code linear} are mapped onto it.
 */
final class TorchNames {
    private static final Pattern BLOCK_LAYER = Pattern.compile("stage(\\d+)\\.block(\\d+)\\.(conv|bn)(\\d)");
    private static final Pattern BLOCK_DOWNSAMPLE =
            Pattern.compile("stage(\\d+)\\.block(\\d+)\\.downsample\\.(conv|bn)");
    private static final Pattern HF_STEM = Pattern.compile("(?:resnet\\.)?embedder\\.embedder\\."
            + "(convolution|normalization)\\.(\\w+)");
    private static final Pattern HF_LAYER = Pattern.compile("(?:resnet\\.)?encoder\\.stages\\.(\\d+)\\.layers\\."
            + "(\\d+)\\.layer\\.(\\d+)\\.(convolution|normalization)\\.(\\w+)");
    private static final Pattern HF_SHORTCUT = Pattern.compile("(?:resnet\\.)?encoder\\.stages\\.(\\d+)\\.layers\\."
            + "(\\d+)\\.shortcut\\.(convolution|normalization)\\.(\\w+)");
    private static final Pattern HF_CLASSIFIER = Pattern.compile("classifier\\.1\\.(weight|bias)");

    private TorchNames() {
    }

    /** The torchvision module path of a layer vertex ({@code stage2.block0.bn1} to {@code layer2.0.bn1}). */
    static String modulePath(String vertex) {
        switch (vertex) {
            case "stem.conv":
                return "conv1";
            case "stem.bn":
                return "bn1";
            case VertexNames.CLASSIFIER:
                return "fc";
            default:
                break;
        }
        Matcher m = BLOCK_LAYER.matcher(vertex);
        if (m.matches()) {
            return "layer" + m.group(1) + "." + m.group(2) + "." + m.group(3) + m.group(4);
        }
        m = BLOCK_DOWNSAMPLE.matcher(vertex);
        if (m.matches()) {
            return "layer" + m.group(1) + "." + m.group(2) + ".downsample." + (m.group(3).equals("conv") ? 0 : 1);
        }
        return null;
    }

    /** The PyTorch parameter or buffer name of a DL4J parameter key. */
    static String tensorName(String dl4jParam) {
        return switch (dl4jParam) {
            case "W", "gamma" -> "weight";
            case "b", "beta" -> "bias";
            case "mean" -> "running_mean";
            case "var" -> "running_var";
            default -> throw new IllegalArgumentException("no PyTorch name for DL4J parameter " + dl4jParam);
        };
    }

    /** True for keys in Hugging Face transformers' ResNet layout. */
    static boolean isHuggingFace(String key) {
        return key.contains("embedder.embedder.") || key.contains("encoder.stages.");
    }

    /** True for training-only bookkeeping that carries no weights. */
    static boolean isBookkeeping(String key) {
        return key.endsWith("num_batches_tracked");
    }

    /**
     * The torchvision key of {@code key} when it is in Hugging Face layout or a CIFAR {@code linear}; other keys
     * unchanged (and then reported as unexpected if they fit nothing).
     */
    static String canonical(String key) {
        if (key.startsWith("linear.")) {
            return "fc." + key.substring("linear.".length());
        }
        Matcher m = HF_CLASSIFIER.matcher(key);
        if (m.matches()) {
            return "fc." + m.group(1);
        }
        m = HF_STEM.matcher(key);
        if (m.matches()) {
            return (m.group(1).equals("convolution") ? "conv1." : "bn1.") + m.group(2);
        }
        m = HF_LAYER.matcher(key);
        if (m.matches()) {
            int stage = Integer.parseInt(m.group(1)) + 1;
            int index = Integer.parseInt(m.group(3)) + 1;
            String kind = m.group(4).equals("convolution") ? "conv" : "bn";
            return "layer" + stage + "." + m.group(2) + "." + kind + index + "." + m.group(5);
        }
        m = HF_SHORTCUT.matcher(key);
        if (m.matches()) {
            int stage = Integer.parseInt(m.group(1)) + 1;
            return "layer" + stage + "." + m.group(2) + ".downsample."
                    + (m.group(3).equals("convolution") ? 0 : 1) + "." + m.group(4);
        }
        return key;
    }

    /**
     * A state dict in canonical torchvision names: without a common {@code module.} prefix, Hugging Face and
     * CIFAR names mapped, bookkeeping ({@code num_batches_tracked}) dropped.
     */
    static StateDict canonical(StateDict dict) {
        return dict.withoutCommonPrefix("module.")
                .renamed(k -> isBookkeeping(k) ? null : canonical(k));
    }
}
