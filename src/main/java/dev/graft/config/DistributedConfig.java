package dev.graft.config;

import java.util.Locale;

/**
 * {@code train.distributed:} train the same experiment on Spark. {@code engine: none} trains in-process.
 *
 * @param master             Spark master URL, e.g. {@code local[2]}, {@code spark://host:7077}, {@code yarn}
 * @param batchPerWorker     minibatch size on each worker
 * @param averagingFrequency parameter averaging every this many minibatches
 */
public record DistributedConfig(
        @Doc("none or spark")
        Engine engine,
        @Doc("Spark master: local[N], spark://host:7077, yarn")
        String master,
        @Doc("Spark workers")
        int workers,
        @Doc("Minibatch size per worker")
        int batchPerWorker,
        @Doc("Average parameters every N minibatches")
        int averagingFrequency) implements ConfigSection {
    public enum Engine {
        NONE, SPARK;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static DistributedConfig defaults() {
        return new DistributedConfig(Engine.NONE, "local[2]", 2, 16, 5);
    }

    @Override
    public void validate(String path, ConfigErrors errors) {
        errors.check(workers >= 1, path + ".workers", "must be >= 1 (was " + workers + ")");
        errors.check(batchPerWorker >= 1, path + ".batch_per_worker", "must be >= 1 (was " + batchPerWorker + ")");
        errors.check(averagingFrequency >= 1, path + ".averaging_frequency",
                "must be >= 1 (was " + averagingFrequency + ")");
        errors.check(master != null && !master.isBlank(), path + ".master", "must not be empty");
    }
}
