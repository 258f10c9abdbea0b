package dev.graft.train;

import dev.graft.config.EmaConfig;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * {@code train.ema}: an exponential moving average of a model's parameters, {@code avg = decay * avg + (1 - decay)
 * * params} after every optimizer update, starting from the weights training starts with (timm's ModelEmaV2), the
 * decay ramped up over the first updates unless {@code train.ema.warmup} is off ({@link EmaConfig#decayAt}).
 * Like timm, which averages the whole state dict, it averages every DL4J parameter, BatchNorm's running mean and
 * running statistic included (DL4J keeps {@code log10(std)} there, so that is what is averaged).
 *
 * <p>The average is held in a parameter-only copy of the full model, so it has the full model's layout (one flat
 * vector, as checkpoints store it) and is updated by parameter name from whichever graph trains: the full model,
 * or the trainable tail of the feature cache, whose parameters are named as the full model's. Frozen parameters
 * never change, so their average stays equal to them.
 */
final class ParameterEma extends BaseTrainingListener {
    private final ComputationGraph average;
    private final EmaConfig config;

    private ParameterEma(ComputationGraph average, EmaConfig config) {
        this.average = average;
        this.config = config;
    }

    /** An average of {@code model}'s parameters starting at their current values. */
    static ParameterEma of(ComputationGraph model, EmaConfig config) {
        return restored(model, config, model.params());
    }

    /** An average continuing from {@code values} (a checkpoint's, laid out as {@code model.params()}). */
    static ParameterEma restored(ComputationGraph model, EmaConfig config, INDArray values) {
        ComputationGraph holder = new ComputationGraph(model.getConfiguration().clone());
        holder.init(values.dup().reshape(model.params().shape()), false);
        return new ParameterEma(holder, config);
    }

    /**
     * One update of the average towards the parameters of {@code trained} (the full model or its tail), the
     * {@code updatesBefore + 1}-th of the run.
     */
    void update(ComputationGraph trained, long updatesBefore) {
        double decay = config.decayAt(updatesBefore);
        for (Map.Entry<String, INDArray> p : trained.paramTable().entrySet()) {
            INDArray avg = average.getParam(p.getKey());
            avg.muli(decay).addi(p.getValue().mul(1 - decay));
        }
    }

    /**
     * DL4J calls this after each optimizer step (with accumulation: once per update) with the model's iteration
     * count before the step, which checkpoints keep: the warm-up continues where a resumed run stopped.
     */
    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        update((ComputationGraph) model, iteration);
    }

    /** The average, laid out as the full model's {@code params()} (what checkpoints store). */
    INDArray values() {
        return average.params();
    }

    /**
     * Puts the average into {@code graph}'s parameters (matched by name) until the returned handle is closed,
     * which restores the raw ones: validation and best checkpoints of the averaged weights.
     */
    Swap swapInto(ComputationGraph graph) {
        INDArray raw = graph.params().dup();
        for (Map.Entry<String, INDArray> p : graph.paramTable().entrySet()) {
            p.getValue().assign(average.getParam(p.getKey()));
        }
        return () -> graph.params().assign(raw);
    }

    /** Restores the raw parameters when closed. */
    @FunctionalInterface
    interface Swap extends AutoCloseable {
        @Override
        void close();
    }
}
