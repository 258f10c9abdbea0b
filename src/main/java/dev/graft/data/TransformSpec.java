package dev.graft.data;

import dev.graft.config.Augmentation;

import java.io.Serial;
import java.io.Serializable;
import java.util.List;

/**
 * Everything that defines a training transform, as plain serialisable values: the {@code data.augment} steps (Graft
 * op records and DataVec transform specs, both {@link java.io.Serializable}), the resolved crop ratio, the input
 * size and the backbone's mean/std. A cluster's driver ships this with the {@link SampleSpec}s, and each executor
 * builds the very transform the local pipeline runs ({@link BatchDecoder#train(TransformSpec, int)}), with no
 * config file or YAML in between.
 *
 * @param augment       the augmentation steps in order
 * @param cropRatio     the evaluation geometry's crop ratio ({@code data.crop_ratio} or the backbone's default)
 * @param imageSize     side of the square network input
 * @param normalization the backbone's mean/std
 */
public record TransformSpec(List<Augmentation> augment, double cropRatio, int imageSize,
                            Normalization normalization) implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    public TransformSpec {
        augment = List.copyOf(augment);
    }

    /** The transform this spec describes. */
    SampleTransform trainTransform() {
        return SampleTransform.train(imageSize, cropRatio, augment, normalization);
    }
}
