package dev.graft.train;

import dev.graft.config.ExperimentConfig;
import dev.graft.config.UnfreezeStep;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Which stages are frozen in each epoch, and the learning-rate multiplier of each stage once it trains. */
final class FreezePlan {
    private final ExperimentConfig config;

    FreezePlan(ExperimentConfig config) {
        this.config = config;
    }

    /** Frozen stages during {@code epoch} (1-based): the initial freeze minus every step already reached. */
    List<String> frozenAt(int epoch) {
        List<String> frozen = new ArrayList<>(config.backbone().freeze().resolve(config.arch()));
        for (UnfreezeStep step : config.train().unfreeze()) {
            if (step.atEpoch() <= epoch) {
                frozen.removeAll(step.stages().resolve(config.arch()));
            }
        }
        return frozen;
    }

    /** Stage -> lr multiplier for stages that an unfreeze step releases; others train at 1x. */
    Map<String, Double> multipliers() {
        Map<String, Double> mult = new HashMap<>();
        for (UnfreezeStep step : config.train().unfreeze()) {
            for (String stage : step.stages().resolve(config.arch())) {
                mult.put(stage, step.lrMult());
            }
        }
        return mult;
    }
}
