package dev.graft.sweep;

import dev.graft.config.ExperimentConfig;
import dev.graft.run.RunDirectory;
import dev.graft.train.StopSignal;
import dev.graft.train.TrainResult;

import java.nio.file.Path;

/**
 * Trains one trial; the command line passes Graft's {@code Trainer}
 * ({@code (c, run, stop, resume) -> new Trainer(c, run, stop, BackboneLoader.standard()).train(resume)}).
 */
@FunctionalInterface
public interface TrialTrainer {
    /**
     * @param resumeFrom the trial's {@code last.zip} when an interrupted trial continues, else null
     */
    TrainResult train(ExperimentConfig config, RunDirectory run, StopSignal stop, Path resumeFrom);
}
