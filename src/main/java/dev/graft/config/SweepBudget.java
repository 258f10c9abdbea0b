package dev.graft.config;

/**
 * {@code budget:} of a sweep: how long each trial trains and how long the whole sweep may run.
 *
 * @param epochsPerTrial overrides the base config's {@code train.epochs}; 0 keeps it
 * @param maxMinutes     wall-clock limit of one {@code graft sweep} run; 0 means none. When it passes, trials in
 *                       flight stop after their batch (resumable) and no new trial starts
 */
public record SweepBudget(
        @Doc("Epochs each trial trains (overrides train.epochs); 0 = the base config's")
        int epochsPerTrial,
        @Doc("Stop the sweep after this many minutes (trials in flight stop, resumable); 0 = no limit")
        double maxMinutes) implements ConfigSection {

    public static SweepBudget defaults() {
        return new SweepBudget(0, 0);
    }

    @Override
    public void validate(String path, ConfigErrors errors) {
        errors.nonNegative(path + ".epochs_per_trial", epochsPerTrial);
        errors.nonNegative(path + ".max_minutes", maxMinutes);
    }
}
