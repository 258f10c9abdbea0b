package dev.graft.train;

import dev.graft.config.ScheduleConfig;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The learning rate at each iteration, as a DL4J {@link ISchedule} so it is saved inside the model and a
 * resumed run continues at the same position (DL4J passes its own persisted iteration count).
 *
 * <p>Linear warmup from 0 over {@code warmupIterations} (not for onecycle, which has its own rise), then
 * constant, step ({@code gamma} every {@code stepIterations}), cosine (to {@code minLr}) or onecycle (from
 * lr/25 up to lr over {@code pctStart} of the run, then cosine down to {@code minLr}). {@code multiplier}
 * scales the result: unfrozen stages train at {@code lr_mult} x the head's rate.
 */
public final class LrSchedule implements ISchedule {
    private static final double ONECYCLE_DIV = 25.0;

    private final ScheduleConfig.Type type;
    private final double baseLr;
    private final double multiplier;
    private final int totalIterations;
    private final int warmupIterations;
    private final int stepIterations;
    private final double gamma;
    private final double minLr;
    private final double pctStart;

    public LrSchedule(@JsonProperty("type") ScheduleConfig.Type type, @JsonProperty("baseLr") double baseLr,
                      @JsonProperty("multiplier") double multiplier,
                      @JsonProperty("totalIterations") int totalIterations,
                      @JsonProperty("warmupIterations") int warmupIterations,
                      @JsonProperty("stepIterations") int stepIterations, @JsonProperty("gamma") double gamma,
                      @JsonProperty("minLr") double minLr, @JsonProperty("pctStart") double pctStart) {
        this.type = type;
        this.baseLr = baseLr;
        this.multiplier = multiplier;
        this.totalIterations = Math.max(1, totalIterations);
        this.warmupIterations = warmupIterations;
        this.stepIterations = Math.max(1, stepIterations);
        this.gamma = gamma;
        this.minLr = minLr;
        this.pctStart = pctStart;
    }

    /** A schedule for a whole run of {@code epochs} x {@code batchesPerEpoch} iterations. */
    public static LrSchedule of(ScheduleConfig config, double baseLr, double multiplier, int epochs,
                                int batchesPerEpoch) {
        return new LrSchedule(config.type(), baseLr, multiplier, epochs * batchesPerEpoch,
                config.warmupEpochs() * batchesPerEpoch, config.stepSize() * batchesPerEpoch, config.gamma(),
                config.minLr(), config.pctStart());
    }

    /** The same schedule at another multiplier (a stage group's lr_mult). */
    public LrSchedule withMultiplier(double newMultiplier) {
        return new LrSchedule(type, baseLr, newMultiplier, totalIterations, warmupIterations, stepIterations,
                gamma, minLr, pctStart);
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        return multiplier * baseValue(iteration);
    }

    private double baseValue(int t) {
        if (type == ScheduleConfig.Type.ONECYCLE) {
            int rise = Math.max(1, (int) Math.round(pctStart * totalIterations));
            if (t < rise) {
                return cosine(baseLr / ONECYCLE_DIV, baseLr, (double) t / rise);
            }
            return cosine(baseLr, minLr, Math.min(1.0, (double) (t - rise) / Math.max(1, totalIterations - rise)));
        }
        if (t < warmupIterations) {
            return baseLr * (t + 1) / warmupIterations;
        }
        return switch (type) {
            case CONSTANT -> baseLr;
            case STEP -> baseLr * Math.pow(gamma, Math.floorDiv(t, stepIterations));
            case COSINE -> cosine(baseLr, minLr, Math.min(1.0,
                    (double) (t - warmupIterations) / Math.max(1, totalIterations - warmupIterations)));
            case ONECYCLE -> throw new IllegalStateException("handled above");
        };
    }

    /** Cosine interpolation from {@code from} (progress 0) to {@code to} (progress 1). */
    private static double cosine(double from, double to, double progress) {
        return to + (from - to) * (1 + Math.cos(Math.PI * progress)) / 2;
    }

    @Override
    public ISchedule clone() {
        return withMultiplier(multiplier);
    }

    public ScheduleConfig.Type getType() {
        return type;
    }

    public double getBaseLr() {
        return baseLr;
    }

    public double getMultiplier() {
        return multiplier;
    }

    public int getTotalIterations() {
        return totalIterations;
    }

    public int getWarmupIterations() {
        return warmupIterations;
    }

    public int getStepIterations() {
        return stepIterations;
    }

    public double getGamma() {
        return gamma;
    }

    public double getMinLr() {
        return minLr;
    }

    public double getPctStart() {
        return pctStart;
    }
}
