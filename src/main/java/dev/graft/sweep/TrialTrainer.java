package dev.graft.sweep;

import dev.graft.backbone.BackboneLoader;
import dev.graft.config.ExperimentConfig;
import dev.graft.run.RunDirectory;
import dev.graft.train.StopSignal;
import dev.graft.train.TrainResult;
import dev.graft.train.Trainer;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * Trains one trial; the command line passes {@link #standard()}, Graft's {@code Trainer}. Serializable, because
 * with {@code executor: spark} it travels to the executor in the trial's task (a lambda of this type is serializable
 * when what it captures is).
 */
@FunctionalInterface
public interface TrialTrainer extends Serializable {
    /**
     * @param resumeFrom the trial's {@code last.zip} when an interrupted trial continues, else null
     */
    TrainResult train(ExperimentConfig config, RunDirectory run, StopSignal stop, Path resumeFrom);

    /** What {@code graft train} does: Graft's {@link Trainer} with the standard backbones. */
    static TrialTrainer standard() {
        return (config, run, stop, resumeFrom) ->
                new Trainer(config, run, stop, BackboneLoader.standard()).train(resumeFrom);
    }
}
