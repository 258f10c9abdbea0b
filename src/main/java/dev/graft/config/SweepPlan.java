package dev.graft.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.List;

/**
 * A validated sweep: the sweep file's settings and its base experiment, from which every trial's config is
 * made by applying {@code key=value} overrides (the same as {@code --set}).
 */
public final class SweepPlan {
    private final SweepConfig sweep;
    private final Path source;
    private final Path baseFile;
    private final ExperimentConfig base;
    private final ObjectNode baseTree;
    private final ConfigLoader loader;

    SweepPlan(SweepConfig sweep, Path source, Path baseFile, ExperimentConfig base, ObjectNode baseTree,
              ConfigLoader loader) {
        this.sweep = sweep;
        this.source = source;
        this.baseFile = baseFile;
        this.base = base;
        this.baseTree = baseTree.deepCopy();
        this.loader = loader;
    }

    /** The sweep settings, resolved: absolute base path and path-valued choices, planned trials, goal. */
    public SweepConfig sweep() {
        return sweep;
    }

    /**
     * The same plan with its trials run as Spark tasks on {@code master} ({@code graft sweep --spark-master}).
     *
     * @throws ConfigException when {@code master} is not a Spark master URL, or the base trains on Spark itself
     */
    public SweepPlan onSpark(String master) {
        SweepConfig spark = sweep.onSpark(master);
        ConfigErrors errors = new ConfigErrors();
        DistributedConfig.checkMaster("--spark-master", master, errors);
        SweepLoader.checkExecutor(spark, base, errors);
        errors.throwIfAny(source.toString());
        return new SweepPlan(spark, source, baseFile, base, baseTree, loader);
    }

    /** The sweep file this plan was read from. */
    public Path source() {
        return source;
    }

    /** The base experiment file. */
    public Path baseFile() {
        return baseFile;
    }

    /** The base experiment, resolved. */
    public ExperimentConfig base() {
        return base;
    }

    /**
     * The base experiment with {@code overrides} applied ({@code train.optimizer.lr=0.01},
     * {@code backbone.freeze=[stem,stage1]}).
     *
     * @throws ConfigException when the combination is invalid
     */
    public ExperimentConfig experiment(List<String> overrides) {
        return loader.fromTree(baseTree.deepCopy(), baseFile.toString(), baseFile.toAbsolutePath().getParent(),
                overrides, base.name());
    }
}
