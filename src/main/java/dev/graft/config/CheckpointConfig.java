package dev.graft.config;

/**
 * {@code checkpoint:} {@code checkpoints/last.zip} is written every epoch; the {@code keep_best} best by
 * {@code monitor} are kept as {@code best.zip} (and {@code best-2.zip}, ...).
 */
public record CheckpointConfig(
        @Doc("Metric that picks the best checkpoint (multi_label default: val_mauroc, regression: val_mae)")
        String monitor,
        @Doc("How many best checkpoints to keep")
        int keepBest) implements ConfigSection {
    public static CheckpointConfig defaults() {
        return defaults(HeadConfig.Problem.SINGLE_LABEL);
    }

    /** The defaults for a {@code problem} head: its own headline metric is monitored. */
    public static CheckpointConfig defaults(HeadConfig.Problem problem) {
        return new CheckpointConfig(Monitor.defaultFor(problem), 1);
    }

    @Override
    public void validate(String path, ConfigErrors errors) {
        Monitor.check(monitor, path + ".monitor", errors);
        errors.check(keepBest >= 1, path + ".keep_best", "must be >= 1 (was " + keepBest + ")");
    }
}
