package dev.graft.distributed;

import dev.graft.config.DistributedConfig;
import dev.graft.train.EpochFitter;

/** The entry point the CLI gives the {@link dev.graft.train.Trainer}: the right fitter for each config. */
public final class DistributedTraining {
    private DistributedTraining() {
    }

    /**
     * Spark for {@code train.distributed.engine: spark}, ParallelWrapper for {@code train.devices > 1}, else the
     * trainer's own thread.
     */
    public static EpochFitter.Factory fitters() {
        return (config, data) -> {
            if (config.train().distributed().engine() == DistributedConfig.Engine.SPARK) {
                return new SparkEpochFitter(config, data);
            }
            if (config.train().devices() > 1) {
                return new ParallelEpochFitter(config, data.classes());
            }
            return EpochFitter.inProcess(config);
        };
    }
}
