package dev.graft.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which backbone stages are frozen in each epoch, and the rules that makes sense under, in one place: the
 * stages {@code backbone.freeze} names, minus those each {@code train.unfreeze} step releases from its
 * {@code at_epoch} on. {@link ExperimentConfig} checks the rules with it; training asks it what to freeze.
 */
public final class FreezeSchedule {
    private final Arch arch;
    private final StageSelection initial;
    private final List<UnfreezeStep> steps;

    public FreezeSchedule(Arch arch, StageSelection initial, List<UnfreezeStep> steps) {
        this.arch = arch;
        this.initial = initial;
        this.steps = List.copyOf(steps);
    }

    /** The schedule of a validated config. */
    public static FreezeSchedule of(ExperimentConfig config) {
        return new FreezeSchedule(config.arch(), config.backbone().freeze(), config.train().unfreeze());
    }

    /** Frozen stages during {@code epoch} (1-based), in forward order. */
    public List<String> frozenAt(int epoch) {
        List<String> frozen = new ArrayList<>(initial.resolve(arch));
        byEpoch().stream().filter(step -> step.atEpoch() <= epoch).forEach(step -> release(frozen, step));
        return frozen;
    }

    /** Stage -> learning-rate multiplier for the stages a step releases; other layers train at 1x. */
    public Map<String, Double> multipliers() {
        Map<String, Double> mult = new HashMap<>();
        steps.forEach(step -> step.stages().resolve(arch).forEach(stage -> mult.put(stage, step.lrMult())));
        return mult;
    }

    /**
     * Adds an error for each broken rule: stage names the arch lacks, a step releasing a stage that is not
     * frozen at that point, and frozen stages that are not the leading ones at any point.
     */
    public void check(ConfigErrors errors) {
        initial.checkAgainst(arch, "backbone.freeze", errors);
        List<String> frozen = new ArrayList<>(initial.resolve(arch));
        checkPrefix(frozen, "backbone.freeze", errors);
        for (UnfreezeStep step : byEpoch()) {
            String path = "train.unfreeze[" + steps.indexOf(step) + "].stages";
            step.stages().checkAgainst(arch, path, errors);
            for (String stage : step.stages().resolve(arch)) {
                errors.check(frozen.contains(stage), path, "stage '" + stage
                        + "' is not frozen by backbone.freeze or an earlier step, so there is nothing to unfreeze");
            }
            release(frozen, step);
            checkPrefix(frozen, path, errors);
        }
    }

    private List<UnfreezeStep> byEpoch() {
        return steps.stream().sorted(Comparator.comparingInt(UnfreezeStep::atEpoch)).toList();
    }

    private void release(List<String> frozen, UnfreezeStep step) {
        frozen.removeAll(step.stages().resolve(arch));
    }

    /**
     * Frozen stages must come first: DL4J's frozen layers pass no gradient back, so a trainable stage below a
     * frozen one could never learn.
     */
    private void checkPrefix(List<String> frozen, String path, ConfigErrors errors) {
        List<String> prefix = arch.stages().subList(0, Math.min(frozen.size(), arch.stages().size()));
        if (!frozen.isEmpty() && !prefix.equals(frozen)) {
            errors.add(path, "frozen stages must be the first ones, " + prefix + " (frozen would be " + frozen
                    + "; a trainable stage before a frozen one gets no gradient)");
        }
    }
}
