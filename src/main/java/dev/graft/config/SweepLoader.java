package dev.graft.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a sweep file and checks it completely before anything runs: its own keys, the base experiment, that
 * every searched key exists in the experiment schema, and that every choice (and both ends of every range)
 * gives a valid experiment. All problems are reported at once as a {@link ConfigException}, each with its
 * path in the sweep file ({@code space.train.optimizer.lr.log_uniform[0]: ...}).
 */
public final class SweepLoader {
    private final ConfigLoader experiments;

    public SweepLoader() {
        this(new ConfigLoader());
    }

    public SweepLoader(Map<String, String> environment, Path workingDirectory) {
        this(new ConfigLoader(environment, workingDirectory));
    }

    /** A loader whose base and trial experiments bind with {@code experiments} (and so its file checks). */
    public SweepLoader(ConfigLoader experiments) {
        this.experiments = experiments;
    }

    /** True when a parsed YAML file is a sweep file (it has a top-level {@code base:} or {@code space:}). */
    public static boolean isSweep(ObjectNode tree) {
        return tree.has("base") || tree.has("space");
    }

    public SweepPlan load(Path file) {
        String source = file.toString();
        ObjectNode tree = YamlFiles.readMapping(file);
        Path folder = file.toAbsolutePath().getParent();
        ConfigErrors errors = new ConfigErrors();
        experiments.expandEnvironment(tree, errors);
        SweepConfig defaults = SweepConfig.defaults().withName(ConfigLoader.defaultName(file));
        SweepConfig sweep = new RecordBinder().bindRecord(tree, SweepConfig.class, defaults, "", errors);
        if (sweep == null) {
            errors.throwIfAny(source);
        }
        SearchSpace space = sweep.space().resolvePaths(folder);
        List<SearchDomain> known = space.dimensions().stream()
                .filter(d -> ConfigKeys.check(d.path(), "space." + d.path(), errors)).toList();
        ConfigLoader loader = experiments;
        Path baseFile = sweep.base() == null ? null : TreeEdits.resolve(sweep.base(), folder);
        ObjectNode baseTree = null;
        ExperimentConfig base = null;
        if (baseFile != null && !Files.isRegularFile(baseFile)) {
            errors.add("base", "no such file: " + baseFile);
        } else if (baseFile != null) {
            try {
                baseTree = YamlFiles.readMapping(baseFile);
                base = loader.fromTree(baseTree.deepCopy(), baseFile.toString(), baseFile.getParent(), List.of(),
                        ConfigLoader.defaultName(baseFile));
            } catch (ConfigException e) {
                e.errors().forEach(err -> errors.add("base", baseFile.getFileName() + ": " + err));
            }
        }
        SweepConfig resolved = sweep.resolved(baseFile == null ? null : baseFile.toString(), space);
        SweepPlan plan = base == null ? null : new SweepPlan(resolved, file, baseFile, base, baseTree, loader);
        if (plan != null) {
            checkExecutor(resolved, base, errors);
            probe(plan, known, errors);
        }
        errors.throwIfAny(source);
        return plan;
    }

    /** A trial run as a Spark task is a single-process run: it cannot start a Spark job of its own. */
    static void checkExecutor(SweepConfig sweep, ExperimentConfig base, ConfigErrors errors) {
        if (sweep.executor() == SweepConfig.Executor.SPARK
                && base.train().distributed().engine() == DistributedConfig.Engine.SPARK) {
            errors.add("executor", "spark runs each trial as a single-process run in one Spark task, but the base "
                    + "trains with train.distributed.engine: spark; remove that from the base, or use executor: "
                    + "local to run trials that train on Spark one after another");
        }
    }

    /**
     * Binds the base with the trials' epoch budget, then also with each choice and each range end; every rejected
     * value is an error at its place in the sweep file.
     */
    private static void probe(SweepPlan plan, List<SearchDomain> domains, ConfigErrors errors) {
        int epochs = plan.sweep().budget().epochsPerTrial();
        List<String> budget = epochs > 0 ? List.of("train.epochs=" + epochs) : List.of();
        try {
            plan.experiment(budget);
        } catch (ConfigException e) {
            e.errors().forEach(err -> errors.add("budget.epochs_per_trial", "gives the base " + err));
            return;
        }
        for (SearchDomain d : domains) {
            for (SearchDomain.Probe probe : d.probes()) {
                List<String> overrides = new ArrayList<>(budget);
                overrides.add(d.path() + "=" + probe.yaml());
                try {
                    plan.experiment(overrides);
                } catch (ConfigException e) {
                    e.errors().forEach(err -> errors.add(probe.label(), err + hint(d, err)));
                }
            }
        }
    }

    private static String hint(SearchDomain d, ConfigError err) {
        boolean continuous = d.kind() == SearchDomain.Kind.UNIFORM || d.kind() == SearchDomain.Kind.LOG_UNIFORM;
        return continuous && err.message().startsWith("must be an integer") ? "; use int_uniform for an integer key"
                : "";
    }
}
