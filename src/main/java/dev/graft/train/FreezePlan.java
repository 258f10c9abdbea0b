package dev.graft.train;

import dev.graft.backbone.Stages;
import dev.graft.config.ExperimentConfig;
import dev.graft.config.FreezeSchedule;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.List;
import java.util.Map;

/**
 * A run's freezing: the config's {@link FreezeSchedule} (which stages are frozen in each epoch, and their
 * learning-rate multipliers once they train) and the {@link Stages} of its arch (where those stages are in the
 * model, and which are frozen in it now).
 */
final class FreezePlan {
    private final FreezeSchedule schedule;
    private final Stages stages;

    FreezePlan(ExperimentConfig config) {
        this.schedule = FreezeSchedule.of(config);
        this.stages = Stages.of(config.arch());
    }

    /** Frozen stages during {@code epoch} (1-based): the initial freeze minus every step already reached. */
    List<String> frozenAt(int epoch) {
        return schedule.frozenAt(epoch);
    }

    /** Stage -> lr multiplier for stages that an unfreeze step releases; others train at 1x. */
    Map<String, Double> multipliers() {
        return schedule.multipliers();
    }

    /** The stages of the run's model. */
    Stages stages() {
        return stages;
    }

    /** The stages frozen in {@code model} now. */
    List<String> frozenIn(ComputationGraph model) {
        return stages.frozenIn(model);
    }
}
