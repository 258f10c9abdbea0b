package dev.graft.config;

import java.util.Locale;

/**
 * {@code train.schedule:} learning rate over the run, after an optional linear warmup from 0.
 * {@code step}: multiply by {@code gamma} every {@code step_size} epochs; {@code cosine}: anneal to
 * {@code min_lr}; {@code onecycle}: rise to the base lr over {@code pct_start} of the run, then anneal.
 */
public record ScheduleConfig(
        @Doc("constant, step, cosine or onecycle")
        Type type,
        @Doc("Linear warmup from 0 over this many epochs")
        int warmupEpochs,
        @Doc("step: decay every this many epochs")
        int stepSize,
        @Doc("step: decay factor")
        double gamma,
        @Doc("cosine / onecycle: final learning rate")
        double minLr,
        @Doc("onecycle: fraction of the run spent rising")
        double pctStart) implements ConfigSection {
    public enum Type {
        CONSTANT, STEP, COSINE, ONECYCLE;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static ScheduleConfig defaults() {
        return new ScheduleConfig(Type.COSINE, 0, 10, 0.1, 0.0, 0.3);
    }

    @Override
    public void validate(String path, ConfigErrors errors) {
        errors.nonNegative(path + ".warmup_epochs", warmupEpochs);
        errors.check(stepSize >= 1, path + ".step_size", "must be >= 1 (was " + stepSize + ")");
        errors.check(gamma > 0 && gamma <= 1, path + ".gamma", "must be in (0, 1] (was "
                + ConfigErrors.fmt(gamma) + ")");
        errors.nonNegative(path + ".min_lr", minLr);
        errors.check(pctStart > 0 && pctStart < 1, path + ".pct_start", "must be in (0, 1) (was "
                + ConfigErrors.fmt(pctStart) + ")");
    }
}
