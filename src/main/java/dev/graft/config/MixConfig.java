package dev.graft.config;

/**
 * {@code data.mix}: batch-level Mixup (Zhang et al. 2018) and CutMix (Yun et al. 2019) as timm's {@code Mixup}
 * does them (its {@code --mixup}, {@code --cutmix}, {@code --mixup-prob}, {@code --mixup-switch-prob}): with
 * probability {@code prob} a training batch is mixed with itself in reverse order, image i with image n-1-i, by a
 * weight lambda drawn from Beta(alpha, alpha); the targets mix by the same lambda (CutMix: by the pasted area).
 * When both are on, each mixed batch uses CutMix with probability {@code switch_prob}. An alpha of 0 turns that
 * method off; both 0 (the default) is no mixing.
 *
 * @param mixup      Mixup's Beta alpha; 0 = off
 * @param cutmix     CutMix's Beta alpha; 0 = off
 * @param prob       probability that a batch is mixed at all
 * @param switchProb with both on: probability of CutMix rather than Mixup for a mixed batch
 */
public record MixConfig(
        @Doc("Mixup: Beta(alpha, alpha) of the pixel-blend weight, e.g. 0.2 to 0.8; 0 = off")
        double mixup,
        @Doc("CutMix: Beta(alpha, alpha) of the kept-area fraction, e.g. 1.0; 0 = off")
        double cutmix,
        @Doc("Probability that a training batch is mixed")
        double prob,
        @Doc("With both mixup and cutmix on: probability of CutMix for a mixed batch")
        double switchProb) implements ConfigSection {

    public static MixConfig defaults() {
        return new MixConfig(0, 0, 1.0, 0.5);
    }

    /** True when training batches may be mixed. */
    public boolean enabled() {
        return (mixup > 0 || cutmix > 0) && prob > 0;
    }

    /**
     * What {@code data.mix} needs from the rest of the experiment: a single-label head (soft class targets), images
     * rather than cached features (a mix is of images and differs every epoch), and batches built in this process
     * or by ParallelWrapper from them (Spark's executors build their own, unmixed).
     */
    void checkWith(ExperimentConfig config, ConfigErrors errors) {
        if (!enabled()) {
            return;
        }
        HeadConfig.Problem problem = config.head().problem();
        errors.check(problem == HeadConfig.Problem.SINGLE_LABEL, "data.mix", "mixes the class targets of a "
                + "single-label head; turn it off (mixup: 0, cutmix: 0) with head.problem: " + problem);
        errors.check(config.train().cacheFeatures() != TrainConfig.CacheMode.TRUE, "train.cache_features",
                "cannot replay stored features of mixed images (each epoch mixes differently); use auto or false "
                        + "with data.mix (auto streams the frozen front instead)");
        errors.check(config.train().distributed().engine() == DistributedConfig.Engine.NONE,
                "train.distributed.engine", "Spark executors build their own batches and do not mix them; turn "
                        + "data.mix off, or train on this machine (train.devices: N uses ParallelWrapper and mixes)");
    }

    @Override
    public void validate(String path, ConfigErrors errors) {
        errors.check(mixup >= 0 && mixup <= 10, path + ".mixup", "must be in [0, 10] (was " + ConfigErrors.fmt(mixup)
                + "); 0 turns Mixup off");
        errors.check(cutmix >= 0 && cutmix <= 10, path + ".cutmix", "must be in [0, 10] (was "
                + ConfigErrors.fmt(cutmix) + "); 0 turns CutMix off");
        errors.probability(path + ".prob", prob);
        errors.probability(path + ".switch_prob", switchProb);
        errors.check(switchProb == defaults().switchProb() || (mixup > 0 && cutmix > 0), path + ".switch_prob",
                "chooses between Mixup and CutMix; it needs both data.mix.mixup and data.mix.cutmix > 0");
    }
}
