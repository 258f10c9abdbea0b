package dev.graft.backbone;

import java.util.List;

/**
 * What a backbone expects of its input images, and the reference (torchvision) evaluation preprocessing:
 * resize, centre crop to {@link #size}, scale to [0, 1], normalise with {@link #mean} / {@link #std} (RGB).
 *
 * @param size         side of the square input the network was trained on (224 ImageNet, 32 CIFAR)
 * @param resize       evaluation resize: the shorter side becomes this many pixels before the centre crop
 *                     (256 for torchvision's V1 weights, 232 for V2); equal to {@code size} when
 *                     {@code squareResize}
 * @param squareResize resize straight to {@code size x size} (no crop), as the CIFAR models were evaluated
 * @param mean         per-channel mean subtracted after scaling to [0, 1]
 * @param std          per-channel standard deviation divided by after subtracting the mean
 * @param resample     Pillow's resampling filter for the resize
 * @param crop         how the centre crop's offset is rounded
 */
public record InputSpec(int size, int resize, boolean squareResize, List<Float> mean, List<Float> std,
                        Resample resample, CropRounding crop) {
    /** Pillow resampling filters Graft reproduces (Pillow's numbering: bilinear 2, bicubic 3). */
    public enum Resample {
        BILINEAR, BICUBIC
    }

    /** The centre crop's top-left offset of {@code (resized - size) / 2}. */
    public enum CropRounding {
        /** torchvision: {@code int(round(d / 2.0))}, halves to even. */
        HALF_EVEN,
        /** Hugging Face image processors: {@code d // 2}. */
        FLOOR
    }

    /** ImageNet channel means, RGB. Also what the CIFAR checkpoints in {@code ../shared} were trained with. */
    public static final List<Float> IMAGENET_MEAN = List.of(0.485f, 0.456f, 0.406f);
    /** ImageNet channel standard deviations, RGB. */
    public static final List<Float> IMAGENET_STD = List.of(0.229f, 0.224f, 0.225f);

    public InputSpec {
        java.util.Objects.requireNonNull(resample, "resample");
        java.util.Objects.requireNonNull(crop, "crop");
        mean = List.copyOf(mean);
        std = List.copyOf(std);
        if (size < 1 || resize < size || mean.size() != 3 || std.size() != 3) {
            throw new IllegalArgumentException("need size >= 1, resize >= size and 3 means/stds");
        }
    }

    /** torchvision's conventions: Pillow bilinear resize, centre crop offset rounded half to even. */
    public InputSpec(int size, int resize, boolean squareResize, List<Float> mean, List<Float> std) {
        this(size, resize, squareResize, mean, std, Resample.BILINEAR, CropRounding.HALF_EVEN);
    }

    /** torchvision's ImageNet evaluation: shorter side to {@code resize}, centre crop 224, ImageNet mean/std. */
    public static InputSpec imagenet(int resize) {
        return new InputSpec(224, resize, false, IMAGENET_MEAN, IMAGENET_STD);
    }

    /** The CIFAR models: resize to 32x32, ImageNet mean/std. */
    public static InputSpec cifar() {
        return new InputSpec(32, 32, true, IMAGENET_MEAN, IMAGENET_STD);
    }

    /** The default for a stem layout: {@link #imagenet(int) imagenet(256)} or {@link #cifar()}. */
    public static InputSpec forStem(ResNetSpec.Stem stem) {
        return stem == ResNetSpec.Stem.CIFAR ? cifar() : imagenet(256);
    }

    /** The same, evaluated with another resize of the shorter side. */
    public InputSpec withResize(int newResize) {
        return new InputSpec(size, newResize, squareResize, mean, std, resample, crop);
    }
}
