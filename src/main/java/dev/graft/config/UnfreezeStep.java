package dev.graft.config;

/**
 * One entry of {@code train.unfreeze}: at the start of epoch {@code at_epoch} (1-based) the listed frozen
 * stages start training with learning rate {@code lr_mult} x the base rate; the head keeps the base rate.
 */
public record UnfreezeStep(
        @Doc("Epoch (1-based) at whose start the stages unfreeze")
        int atEpoch,
        @Doc("Stages to unfreeze (must be frozen by backbone.freeze)")
        StageSelection stages,
        @Doc("Their learning rate = lr_mult x the base rate")
        double lrMult) implements ConfigSection {
    public static UnfreezeStep defaults() {
        return new UnfreezeStep(1, StageSelection.none(), 1.0);
    }

    @Override
    public void validate(String path, ConfigErrors errors) {
        errors.check(atEpoch >= 1, path + ".at_epoch", "must be >= 1 (was " + atEpoch + ")");
        errors.check(!stages.isEmpty(), path + ".stages", "must name at least one stage");
        errors.positive(path + ".lr_mult", lrMult);
    }
}
