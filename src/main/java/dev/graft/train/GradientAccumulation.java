package dev.graft.train;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.Map;

/**
 * One optimizer update from several micro-batches ({@code train.accumulate}). The gradients of all but the last
 * micro-batch are computed without an update and summed; the last one goes through DL4J's own {@code fit}, and
 * before its updater runs ({@link #onGradientCalculation}) the sum is added and rescaled so that the updater's
 * division by the last micro-batch's size yields the mean over every example of the update. So Adam, momentum,
 * weight decay, gradient clipping, the schedule and the iteration count see exactly one step on the big batch
 * (equal to it up to float rounding when the model has no BatchNorm).
 *
 * <p>BatchNorm's running statistics, which DL4J applies as a "gradient" that is not divided by the batch size,
 * get the mean of the micro-batches' updates: one momentum step per update towards the micro-batches' mean
 * statistics. Batch statistics inside the forward pass are the micro-batch's own (as in PyTorch).
 */
final class GradientAccumulation extends BaseTrainingListener {
    private INDArray earlier;
    private long earlierExamples;
    private int earlierBatches;

    /**
     * Adds the gradient of {@code batch} (not the last of the update) to the pending sum, without updating;
     * returns the batch's score (data loss plus the regularisation penalty, as {@code graph.score()} after fit).
     */
    double accumulate(ComputationGraph graph, DataSet batch) {
        if (graph.getFlattenedGradients() == null) {
            graph.initGradientsView();
        }
        graph.setInputs(batch.getFeatures());
        graph.setLabels(batch.getLabels());
        graph.computeGradientAndScore();
        INDArray gradient = graph.getFlattenedGradients();
        earlier = earlier == null ? gradient.dup() : earlier.addi(gradient);
        earlierExamples += batch.numExamples();
        earlierBatches++;
        double score = graph.score();
        graph.clearLayersStates();
        return score;
    }

    /** Runs the update: fits the last micro-batch {@code batch} with the pending sum folded in. */
    void update(ComputationGraph graph, DataSet batch) {
        graph.fit(batch);
        earlier = null;
        earlierExamples = 0;
        earlierBatches = 0;
    }

    /** True when micro-batches are waiting for their update. */
    boolean pending() {
        return earlier != null;
    }

    /**
     * Called by DL4J between the last micro-batch's backward pass and the updater: the flattened gradient becomes
     * the sum over the update's micro-batches, scaled so the updater's division by this batch's size gives the
     * mean per example; the undivided parts (BatchNorm's running statistics) become the micro-batches' mean.
     */
    @Override
    public void onGradientCalculation(Model model) {
        if (earlier == null) {
            return;
        }
        ComputationGraph graph = (ComputationGraph) model;
        long last = graph.batchSize();
        graph.getFlattenedGradients().addi(earlier);
        double perExample = (double) last / (earlierExamples + last);
        double perBatch = 1.0 / (earlierBatches + 1);
        for (Map.Entry<String, INDArray> entry : graph.gradient().gradientForVariable().entrySet()) {
            entry.getValue().muli(dividedByBatchSize(graph, entry.getKey()) ? perExample : perBatch);
        }
    }

    /** Whether DL4J's updater divides this parameter's gradient by the batch size ({@code layer_param} key). */
    private static boolean dividedByBatchSize(ComputationGraph graph, String key) {
        int cut = key.lastIndexOf('_');
        Layer layer = graph.getLayer(key.substring(0, cut));
        return layer == null || layer.updaterDivideByMinibatch(key.substring(cut + 1));
    }
}
