package dev.graft.config;

/**
 * {@code train.ema:} an exponential moving average of the weights, {@code ema = decay * ema + (1 - decay) *
 * weights} after every optimizer update (timm's ModelEma). Validation, the best checkpoints and the export use
 * the average; 0 turns it off.
 *
 * @param decay  the average's weight on its previous value; 0 = off, typically 0.99 to 0.9999
 * @param warmup use {@code min(decay, (1 + t) / (10 + t))} at update {@code t} (TensorFlow's
 *               {@code ExponentialMovingAverage} with {@code num_updates}): early updates move the average fast, so
 *               a short fine-tuning run's average does not stay anchored to the weights it started from (with
 *               decay 0.99 and no warmup, 72 updates leave 48% of the starting weights in it)
 */
public record EmaConfig(
        @Doc("Weight of the previous average per update (0.999: about the last 1000 updates); 0 = off")
        double decay,
        @Doc("Ramp the decay up as min(decay, (1 + t) / (10 + t)) at update t, so a short run's average does not "
                + "lag behind its start")
        boolean warmup) implements ConfigSection {

    public static EmaConfig defaults() {
        return new EmaConfig(0.0, true);
    }

    /** The decay applied at the update that follows {@code updatesBefore} earlier ones. */
    public double decayAt(long updatesBefore) {
        return warmup ? Math.min(decay, (1.0 + updatesBefore) / (10.0 + updatesBefore)) : decay;
    }

    /** True when an average is kept. */
    public boolean enabled() {
        return decay > 0;
    }

    @Override
    public void validate(String path, ConfigErrors errors) {
        errors.inRange(path + ".decay", decay, 0, 1);
    }
}
