package dev.graft.config;

import java.util.List;
import java.util.Locale;

/**
 * {@code train.distributed:} train the same experiment on Spark ({@code engine: spark}) instead of in-process.
 * Every step trains one {@code train.batch_size} batch, split evenly over the workers, so the effective batch
 * and the learning-rate schedule are the ones of a single-process run.
 *
 * @param master             Spark master URL, e.g. {@code local[2]}, {@code spark://host:7077}, {@code yarn};
 *                           {@code spark-submit --master} takes precedence
 * @param workers            data-parallel Spark workers; 0 means Spark's default parallelism
 * @param averagingFrequency steps between parameter averagings (also for {@code train.devices > 1})
 */
public record DistributedConfig(
        @Doc("none or spark")
        Engine engine,
        @Doc("Spark master: local[N], spark://host:7077, yarn, k8s://...; spark-submit --master wins")
        String master,
        @Doc("Spark workers, each taking batch_size / workers images of every batch; 0 = Spark's parallelism")
        int workers,
        @Doc("Average parameters every N steps (Spark, and train.devices > 1)")
        int averagingFrequency) implements ConfigSection {

    /** Master URL forms Spark accepts. */
    static final List<String> MASTER_FORMS = List.of("local", "local[N]", "local[*]", "spark://HOST:PORT", "yarn",
            "k8s://URL", "mesos://URL");

    public enum Engine {
        NONE, SPARK;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static DistributedConfig defaults() {
        return new DistributedConfig(Engine.NONE, "local[2]", 0, 5);
    }

    @Override
    public void validate(String path, ConfigErrors errors) {
        errors.check(workers >= 0, path + ".workers", "must be >= 0 (was " + workers + ")");
        errors.check(averagingFrequency >= 1, path + ".averaging_frequency",
                "must be >= 1 (was " + averagingFrequency + ")");
        checkMaster(path + ".master", master, errors);
    }

    /** Adds an error at {@code key} unless {@code master} is a Spark master URL. */
    static void checkMaster(String key, String master, ConfigErrors errors) {
        errors.check(master != null && isMasterUrl(master), key,
                "'" + master + "' is not a Spark master URL (one of " + String.join(", ", MASTER_FORMS) + ")");
    }

    static boolean isMasterUrl(String url) {
        return url.matches("local(\\[(\\*|[1-9][0-9]*)(,[0-9]+)?])?") || url.matches("spark://[^\\s]+")
                || url.equals("yarn") || url.matches("(k8s|mesos)://[^\\s]+");
    }
}
