package dev.graft.config;

/**
 * {@code spark:} of a sweep run with {@code executor: spark}: where its trials run.
 *
 * @param master Spark master URL (the forms of {@code train.distributed.master}); {@code spark-submit --master}
 *               and {@code graft sweep --spark-master} take precedence
 */
public record SweepSpark(
        @Doc("Spark master the trials run on: local[N], spark://host:7077, yarn, k8s://...; spark-submit --master"
                + " and --spark-master win")
        String master) implements ConfigSection {

    public static SweepSpark defaults() {
        return new SweepSpark("local[2]");
    }

    @Override
    public void validate(String path, ConfigErrors errors) {
        DistributedConfig.checkMaster(path + ".master", master, errors);
    }
}
