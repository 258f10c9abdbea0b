package dev.graft.sweep;

import dev.graft.config.ExperimentConfig;
import dev.graft.run.RunDirectory;
import dev.graft.train.StopSignal;
import dev.graft.train.TrainResult;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * Trains one trial; the command line passes Graft's {@code Trainer}
 * ({@code (c, run, stop, resume) -> new Trainer(c, run, stop, BackboneLoader.standard()).train(resume)}).
 * Serializable, because with {@code executor: spark} it travels to the executor in the trial's task (a lambda of
 * this type is serializable when what it captures is).
 */
@FunctionalInterface
public interface TrialTrainer extends Serializable {
    /**
     * @param resumeFrom the trial's {@code last.zip} when an interrupted trial continues, else null
     */
    TrainResult train(ExperimentConfig config, RunDirectory run, StopSignal stop, Path resumeFrom);
}
