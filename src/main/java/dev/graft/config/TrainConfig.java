package dev.graft.config;

import java.util.List;
import java.util.Locale;

/**
 * {@code train:} the fit loop.
 *
 * @param labelSmoothing  mix the one-hot target with a uniform one by this amount
 * @param gradClip        clip the gradient's L2 norm per layer to this; 0 turns it off
 * @param cacheFeatures   reuse the frozen part's outputs across epochs: auto (when it helps), true, false
 * @param cacheViews      augmented views cached per image when caching with augmentation on
 * @param devices         data-parallel workers on this machine (DL4J ParallelWrapper) when > 1
 * @param logEvery        progress line every this many batches when the console is not a terminal
 * @param loss            a single-label head's loss ({@link TrainLoss})
 * @param accumulate      micro-batches of {@code batchSize} images whose gradients make one update: the effective
 *                        batch is {@code accumulate x batchSize}, and the schedule counts updates
 * @param ema             exponential moving average of the weights, validated and exported instead of the raw ones
 * @param layerDecay      learning-rate multiplier per stage from the head down: head x1, the stage below x decay,
 *                        the next x decay^2, ...; 1 turns it off
 */
public record TrainConfig(
        @Doc("Number of epochs")
        int epochs,
        @Doc("Images per batch")
        int batchSize,
        @Doc("Update rule")
        OptimizerConfig optimizer,
        @Doc("Learning-rate schedule")
        ScheduleConfig schedule,
        @Doc("Mix one-hot targets with uniform by this amount")
        double labelSmoothing,
        @Doc("Clip each layer's gradient L2 norm to this; 0 = off")
        double gradClip,
        @Doc("Gradual unfreezing steps")
        List<UnfreezeStep> unfreeze,
        @Doc("Stop when the monitored metric stalls")
        EarlyStoppingConfig earlyStopping,
        @Doc("Cache the frozen part's outputs across epochs: auto, true, false")
        CacheMode cacheFeatures,
        @Doc("Augmented views cached per image when caching with augmentation")
        int cacheViews,
        @Doc("Data-parallel workers on this machine (ParallelWrapper), each taking batch_size / devices images")
        int devices,
        @Doc("Train on Spark instead of in-process")
        DistributedConfig distributed,
        @Doc("Progress line every N batches when not on a terminal")
        int logEvery,
        @Doc("Single-label training loss: cross_entropy, or {focal: {gamma: 2}} (softmax focal loss; "
                + "data.class_weights are its alpha); val_loss stays the plain cross-entropy")
        TrainLoss loss,
        @Doc("Gradient accumulation: micro-batches of batch_size images per update (effective batch = accumulate x batch_size)")
        int accumulate,
        @Doc("Exponential moving average of the weights (validated, checkpointed, exported)")
        EmaConfig ema,
        @Doc("Per-stage LR multiplier decay^(stages below the head); 1 = off")
        double layerDecay) implements ConfigSection {

    public enum CacheMode {
        AUTO, TRUE, FALSE;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static TrainConfig defaults() {
        return new TrainConfig(10, 32, OptimizerConfig.defaults(), ScheduleConfig.defaults(), 0.0, 0.0, List.of(),
                EarlyStoppingConfig.defaults(), CacheMode.AUTO, 1, 1, DistributedConfig.defaults(), 20,
                TrainLoss.crossEntropy(), 1, EmaConfig.defaults(), 1.0);
    }

    /** Optimizer updates per epoch of {@code batchesPerEpoch} micro-batches (the last update may take fewer). */
    public int updatesPerEpoch(int batchesPerEpoch) {
        return (batchesPerEpoch + accumulate - 1) / accumulate;
    }

    @Override
    public void validate(String path, ConfigErrors errors) {
        errors.check(epochs >= 1, path + ".epochs", "must be >= 1 (was " + epochs + ")");
        errors.check(batchSize >= 1, path + ".batch_size", "must be >= 1 (was " + batchSize + ")");
        errors.inRange(path + ".label_smoothing", labelSmoothing, 0, 1);
        errors.nonNegative(path + ".grad_clip", gradClip);
        errors.check(cacheViews >= 1, path + ".cache_views", "must be >= 1 (was " + cacheViews + ")");
        errors.check(devices >= 1, path + ".devices", "must be >= 1 (was " + devices + ")");
        boolean spark = distributed.engine() == DistributedConfig.Engine.SPARK;
        errors.check(!(spark && devices > 1), path + ".devices", "must be 1 with train.distributed.engine: spark "
                + "(Spark's workers are the data-parallel ones; was " + devices + ")");
        errors.check(batchSize < 1 || devices <= batchSize, path + ".devices", "must be <= train.batch_size ("
                + batchSize + "): each device takes a share of every batch (was " + devices + ")");
        errors.check(!spark || batchSize < 1 || distributed.workers() <= batchSize, path + ".distributed.workers",
                "must be <= train.batch_size (" + batchSize + "): each worker takes a share of every batch (was "
                        + distributed.workers() + ")");
        errors.check(cacheFeatures != CacheMode.TRUE || (devices == 1 && !spark), path + ".cache_features",
                "the feature cache trains in-process; use auto or false with train.devices or train.distributed");
        errors.check(accumulate >= 1, path + ".accumulate", "must be >= 1 (was " + accumulate + ")");
        errors.check(accumulate <= 1 || (devices == 1 && !spark), path + ".accumulate", "gradient accumulation "
                + "trains in-process; use train.accumulate: 1 with train.devices or train.distributed");
        errors.check(!ema.enabled() || (devices == 1 && !spark), path + ".ema.decay", "the weight average is "
                + "kept in-process; set train.ema.decay: 0 with train.devices or train.distributed");
        errors.check(layerDecay > 0 && layerDecay <= 1, path + ".layer_decay", "must be in (0, 1] (was "
                + layerDecay + "); 1 turns it off");
        errors.check(logEvery >= 1, path + ".log_every", "must be >= 1 (was " + logEvery + ")");
        errors.check(schedule.warmupEpochs() < epochs || schedule.warmupEpochs() == 0, path
                + ".schedule.warmup_epochs", "must be < train.epochs (" + epochs + ")");
        for (int i = 0; i < unfreeze.size(); i++) {
            errors.check(unfreeze.get(i).atEpoch() <= epochs, path + ".unfreeze[" + i + "].at_epoch",
                    "is after the last epoch (" + epochs + ")");
        }
    }
}
