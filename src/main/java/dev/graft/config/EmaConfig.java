package dev.graft.config;

/**
 * {@code train.ema:} an exponential moving average of the weights, {@code ema = decay * ema + (1 - decay) *
 * weights} after every optimizer update (timm's ModelEma). Validation, the best checkpoints and the export use
 * the average; 0 turns it off.
 *
 * @param decay the average's weight on its previous value; 0 = off, typically 0.99 to 0.9999
 */
public record EmaConfig(
        @Doc("Weight of the previous average per update (0.999: about the last 1000 updates); 0 = off")
        double decay) implements ConfigSection {

    public static EmaConfig defaults() {
        return new EmaConfig(0.0);
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
