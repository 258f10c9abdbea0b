package dev.graft.model;

import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;

import java.util.List;

/**
 * How each trainable layer learns. The train package supplies it (optimizer, schedule, stage LR multipliers);
 * the model package only applies it.
 */
public interface LayerTraining {
    /** The stage name used for the new head's layers. */
    String HEAD = "head";

    /** The updater (with its learning-rate schedule) for layers of {@code stage}, or {@link #HEAD}. */
    IUpdater updater(String stage);

    /** Regularisation of weight matrices (not biases, not BatchNorm): weight decay or L2; empty for none. */
    List<Regularization> weightRegularization();

    /** Per-layer gradient L2-norm clipping threshold; 0 turns clipping off. */
    double gradientClip();

    /** True when the backbone's trainable BatchNorm layers keep inference mode (backbone.norm_eval). */
    default boolean normEval() {
        return false;
    }
}
