package dev.graft.config;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A sweep file: an experiment config to start from ({@code base}), the keys to search and their domains
 * ({@code space}), the objective, the search strategy and the budget. Load with {@link SweepLoader}, which also
 * checks every searched key and value against the experiment schema.
 *
 * @param trials random: how many trials (default 20); grid: at most this many combinations (default all)
 */
public record SweepConfig(
        @Doc("Sweep folder name under experiments/; defaults to the sweep file name")
        String name,
        @Doc("Experiment config every trial starts from (relative to the sweep file)")
        String base,
        @Doc("What ranks the trials")
        SweepObjective objective,
        @Doc("random (sample the space) or grid (every combination)")
        Strategy strategy,
        @Doc("random: number of trials (default 20); grid: at most this many combinations (default all)")
        Integer trials,
        @Doc("grid: values taken from each uniform / log_uniform / int_uniform range, both ends included")
        int gridPoints,
        @Doc("Epochs per trial and time limit")
        SweepBudget budget,
        @Doc("Trials that run at the same time")
        int parallel,
        @Doc("Where trials run: local (threads of this process) or spark (one Spark task per trial)")
        Executor executor,
        @Doc("executor: spark: the cluster")
        SweepSpark spark,
        @Doc("Seed of the random search (every trial keeps the base config's seed)")
        long seed,
        @Doc("Config key -> {log_uniform|uniform|int_uniform: [low, high]} or {choice: [values]}")
        SearchSpace space) implements ConfigSection {

    /** Default number of random-search trials. */
    public static final int DEFAULT_RANDOM_TRIALS = 20;
    /** The largest grid Graft enumerates (Arbiter counts candidates in an int). */
    public static final long MAX_GRID = 100_000;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** How candidates are chosen. */
    public enum Strategy {
        /** Independent samples from every domain (Arbiter's RandomSearchGenerator). */
        RANDOM,
        /** Every combination; ranges are discretised into grid_points values (Arbiter's grid search). */
        GRID;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Where trials run. */
    public enum Executor {
        /** In this process, {@code parallel} trials on threads. */
        LOCAL,
        /**
         * One Spark job of one task per trial: the trial trains as a single-process run on an executor, in the
         * sweep folder, which driver and executors must see under the same path (a shared filesystem).
         */
        SPARK;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static SweepConfig defaults() {
        return new SweepConfig(null, null, SweepObjective.defaults(), Strategy.RANDOM, null, 3,
                SweepBudget.defaults(), 1, Executor.LOCAL, SweepSpark.defaults(), 42, SearchSpace.empty());
    }

    /** The number of trials this sweep plans: {@code trials}, capped by the grid size for a grid. */
    public int plannedTrials() {
        if (strategy == Strategy.RANDOM) {
            return trials == null ? DEFAULT_RANDOM_TRIALS : trials;
        }
        long grid = space.gridSize(gridPoints);
        return (int) Math.min(trials == null ? Integer.MAX_VALUE : trials, grid);
    }

    /** The same sweep reading its base config from {@code newBase}. */
    public SweepConfig withBase(String newBase) {
        return new SweepConfig(name, newBase, objective, strategy, trials, gridPoints, budget, parallel, executor,
                spark, seed, space);
    }

    /** The same sweep with its trials run as Spark tasks on {@code master}. */
    public SweepConfig onSpark(String master) {
        return new SweepConfig(name, base, objective, strategy, trials, gridPoints, budget, parallel,
                Executor.SPARK, new SweepSpark(master), seed, space);
    }

    /** With the goal written out, the planned trial count as {@code trials} and the given base and space. */
    SweepConfig resolved(String newBase, SearchSpace newSpace) {
        SweepConfig s = new SweepConfig(name, newBase, objective.resolved(), strategy, trials, gridPoints, budget,
                parallel, executor, spark, seed, newSpace);
        return new SweepConfig(s.name, s.base, s.objective, s.strategy, s.plannedTrials(), s.gridPoints, s.budget,
                s.parallel, s.executor, s.spark, s.seed, s.space);
    }

    SweepConfig withName(String newName) {
        return new SweepConfig(newName, base, objective, strategy, trials, gridPoints, budget, parallel, executor,
                spark, seed, space);
    }

    @Override
    public void validate(String path, ConfigErrors errors) {
        if (name == null || !NAME.matcher(name).matches()) {
            errors.add("name", "must be letters, digits, '.', '_' or '-' (was '" + name + "')");
        }
        errors.check(base != null && !base.isBlank(), "base", "is required: the experiment config to start from");
        if (trials != null) {
            errors.check(trials >= 1, "trials", "must be >= 1 (was " + trials + ")");
        }
        errors.check(gridPoints >= 2, "grid_points", "must be >= 2 (was " + gridPoints + ")");
        errors.check(parallel >= 1, "parallel", "must be >= 1 (was " + parallel + ")");
        if (space == null || space.dimensions().isEmpty()) {
            if (errors.list().stream().noneMatch(e -> e.path().startsWith("space"))) {
                errors.add("space", "is required: the config keys to search");
            }
            return;
        }
        if (strategy == Strategy.GRID && space.gridSize(gridPoints) > MAX_GRID) {
            errors.add("space", "the grid has more than " + MAX_GRID + " combinations; use strategy: random");
        }
    }
}
