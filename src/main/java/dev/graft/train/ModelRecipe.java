package dev.graft.train;

import dev.graft.backbone.Backbone;
import dev.graft.backbone.BackboneLoader;
import dev.graft.config.ExperimentConfig;
import dev.graft.config.Seeds;
import dev.graft.model.HeadSpec;
import dev.graft.model.LayerTraining;
import dev.graft.model.ModelAssembler;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * How a config becomes a model to train, in one place for {@link Trainer} and {@link Benchmark}: the stage
 * learning rates and schedule, and the backbone (its weights, seeded initialisation) with the new head and the
 * stages frozen at epoch 1.
 */
final class ModelRecipe {
    private ModelRecipe() {
    }

    /** Optimizer, schedule over {@code epochs} x {@code batchesPerEpoch} steps, stage multipliers, clipping. */
    static StageTraining training(ExperimentConfig config, FreezePlan plan, int epochs, int batchesPerEpoch) {
        LrSchedule schedule = LrSchedule.of(config.train().schedule(), config.train().optimizer().lr(), 1.0, epochs,
                batchesPerEpoch);
        return new StageTraining(config.train().optimizer(), schedule, plan.multipliers(), config.train().gradClip(),
                StageTraining.layerDecay(plan.stages().names(), config.train().layerDecay()),
                config.backbone().normEval());
    }

    /** The backbone loaded by {@code backbones} with {@code head} attached and the plan's epoch-1 freezing. */
    static ComputationGraph assemble(ExperimentConfig config, BackboneLoader backbones, FreezePlan plan,
                                     LayerTraining training, HeadSpec head) {
        Backbone backbone = backbones.withSeed(Seeds.derive(config.seed(), "backbone-init"))
                .load(config.arch(), config.backbone().weights());
        return ModelAssembler.assemble(backbone, head, plan.frozenAt(1), training, Seeds.derive(config.seed(), "init"));
    }
}
