package dev.graft.config;

import java.util.Locale;

/**
 * {@code objective:} of a sweep: the metric that ranks trials (its best epoch counts) and whether higher or
 * lower is better.
 *
 * @param goal null means from the metric: losses are minimised, everything else maximised
 */
public record SweepObjective(
        @Doc("Metric that ranks trials (best epoch of each): val_top1, val_loss, val_macro_f1, ...")
        String metric,
        @Doc("maximize or minimize (default: minimize for losses, maximize otherwise)")
        Goal goal) implements ConfigSection {

    /** Which way the objective improves. */
    public enum Goal {
        MAXIMIZE, MINIMIZE;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static SweepObjective defaults() {
        return new SweepObjective("val_top1", null);
    }

    /** True when lower values are better. */
    public boolean minimize() {
        return goal == null ? Monitor.lowerIsBetter(metric) : goal == Goal.MINIMIZE;
    }

    /** The same objective with the goal written out. */
    public SweepObjective resolved() {
        return new SweepObjective(metric, minimize() ? Goal.MINIMIZE : Goal.MAXIMIZE);
    }

    @Override
    public void validate(String path, ConfigErrors errors) {
        Monitor.check(metric, path + ".metric", errors);
    }
}
