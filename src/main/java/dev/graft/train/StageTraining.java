package dev.graft.train;

import dev.graft.config.OptimizerConfig;
import dev.graft.model.LayerTraining;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;

import java.util.List;
import java.util.Map;

/**
 * The optimizer of a run, per stage group: the head (and stages trainable from the start) at the base
 * learning rate, stages unfrozen later at their step's {@code lr_mult}; all following one {@link LrSchedule}.
 * With {@code train.layer_decay: d} every stage's rate is further multiplied by {@code d^k}, k its distance from
 * the head (the last stage 1, the one before 2, ..., the stem the most); the two multipliers compose.
 */
final class StageTraining implements LayerTraining {
    private final OptimizerConfig optimizer;
    private final LrSchedule schedule;
    private final Map<String, Double> multipliers;
    private final double gradientClip;
    private final Map<String, Double> layerDecay;
    private final boolean normEval;

    StageTraining(OptimizerConfig optimizer, LrSchedule schedule, Map<String, Double> multipliers,
                  double gradientClip) {
        this(optimizer, schedule, multipliers, gradientClip, Map.of(), false);
    }

    /**
     * {@code layerDecay}: stage -> its layer-decay factor (absent: 1), see {@link #layerDecay(List, double)};
     * {@code normEval}: backbone.norm_eval.
     */
    StageTraining(OptimizerConfig optimizer, LrSchedule schedule, Map<String, Double> multipliers,
                  double gradientClip, Map<String, Double> layerDecay, boolean normEval) {
        this.layerDecay = Map.copyOf(layerDecay);
        this.normEval = normEval;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.multipliers = Map.copyOf(multipliers);
        this.gradientClip = gradientClip;
    }

    @Override
    public IUpdater updater(String stage) {
        return updater(optimizer, schedule.withMultiplier(multiplier(stage)));
    }

    /** The config's update rule following the learning-rate schedule {@code lr}. */
    static IUpdater updater(OptimizerConfig optimizer, org.nd4j.linalg.schedule.ISchedule lr) {
        return switch (optimizer.type()) {
            case SGD -> optimizer.momentum() > 0
                    ? new Nesterovs(lr, optimizer.momentum())
                    : new Sgd(lr);
            case ADAM, ADAMW -> Adam.builder().learningRateSchedule(lr).beta1(optimizer.beta1())
                    .beta2(optimizer.beta2()).epsilon(optimizer.epsilon()).build();
        };
    }

    /** The factor of {@code stage}'s learning rate over the head's: its unfreeze lr_mult times its layer decay. */
    double multiplier(String stage) {
        return multipliers.getOrDefault(stage, 1.0) * layerDecay.getOrDefault(stage, 1.0);
    }

    /**
     * Each stage's layer-decay factor: {@code stages} in input-to-head order (stem first), the last one at
     * {@code decay}, the one before at {@code decay^2}, and so on; the head (not listed) stays at 1.
     */
    static Map<String, Double> layerDecay(List<String> stages, double decay) {
        Map<String, Double> factors = new java.util.LinkedHashMap<>();
        for (int i = 0; i < stages.size(); i++) {
            factors.put(stages.get(i), Math.pow(decay, stages.size() - i));
        }
        return factors;
    }

    /** The head's learning rate at {@code iteration} (what metrics.csv reports as {@code lr}). */
    double headLearningRate(int iteration) {
        return schedule.valueAt(iteration, 0);
    }

    /** AdamW: decoupled weight decay scaled by the learning rate (as PyTorch's AdamW); otherwise L2. */
    @Override
    public List<Regularization> weightRegularization() {
        if (optimizer.weightDecay() == 0) {
            return List.of();
        }
        return optimizer.type() == OptimizerConfig.Type.ADAMW
                ? List.of(new WeightDecay(optimizer.weightDecay(), true))
                : List.of(new L2Regularization(optimizer.weightDecay()));
    }

    @Override
    public double gradientClip() {
        return gradientClip;
    }

    @Override
    public boolean normEval() {
        return normEval;
    }
}
