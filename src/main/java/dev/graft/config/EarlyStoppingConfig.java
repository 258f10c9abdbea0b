package dev.graft.config;

/** {@code train.early_stopping:} stop after {@code patience} epochs without improvement; 0 turns it off. */
public record EarlyStoppingConfig(
        @Doc("Metric to watch")
        String monitor,
        @Doc("Epochs without improvement before stopping; 0 = off")
        int patience,
        @Doc("Smallest change that counts as improvement")
        double minDelta) implements ConfigSection {
    public static EarlyStoppingConfig defaults() {
        return new EarlyStoppingConfig("val_loss", 0, 0.0);
    }

    public boolean enabled() {
        return patience > 0;
    }

    @Override
    public void validate(String path, ConfigErrors errors) {
        Monitor.check(monitor, path + ".monitor", errors);
        errors.nonNegative(path + ".patience", patience);
        errors.nonNegative(path + ".min_delta", minDelta);
    }
}
