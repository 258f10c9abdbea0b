package dev.graft.train;

import dev.graft.backbone.InputSpec;
import dev.graft.backbone.ResNetSpec;
import dev.graft.config.Arch;
import dev.graft.data.Normalization;

import java.util.List;

/** The data pipeline's normalisation for a backbone: the mean/std its weights were trained with. */
final class InputNormalization {
    private InputNormalization() {
    }

    static Normalization of(Arch arch) {
        InputSpec input = InputSpec.forStem(ResNetSpec.of(arch).stem());
        return new Normalization(floats(input.mean()), floats(input.std()));
    }

    private static float[] floats(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
