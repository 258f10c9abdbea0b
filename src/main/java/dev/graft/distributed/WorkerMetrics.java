package dev.graft.distributed;

import dev.graft.model.ModelAssembler;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A listener that scores every training batch inside the worker that trains it (a ParallelWrapper thread or a
 * Spark task), without a second forward pass: the head's output layer is applied (without dropout) to its input
 * from the training forward pass, and the result is scored against the batch's labels once the backward pass has
 * set them. Each batch's {@link TrainTally} goes to a {@link Sink}. One instance may serve several models at
 * once (ParallelWrapper shares it between its workers); it is serialisable for Spark.
 */
final class WorkerMetrics extends BaseTrainingListener implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Where each batch's counts go; must be thread-safe when the listener is shared. */
    @FunctionalInterface
    interface Sink extends Serializable {
        void accept(TrainTally batch);
    }

    private final List<String> classes;
    private final Sink sink;
    private transient Map<Model, float[][]> pending;

    WorkerMetrics(List<String> classes, Sink sink) {
        this.classes = List.copyOf(classes);
        this.sink = sink;
        this.pending = Collections.synchronizedMap(new IdentityHashMap<>());
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        ComputationGraph graph = (ComputationGraph) model;
        String inputName = graph.getConfiguration().getVertexInputs().get(ModelAssembler.OUTPUT).get(0);
        INDArray input = activations.get(inputName);
        if (input == null) {
            return;
        }
        INDArray logits = input.castTo(DataType.FLOAT).mmul(graph.getParam(ModelAssembler.OUTPUT + "_W"))
                .addiRowVector(graph.getParam(ModelAssembler.OUTPUT + "_b"));
        pending.put(model, Transforms.softmax(logits, false).toFloatMatrix());
    }

    @Override
    public void onBackwardPass(Model model) {
        float[][] probabilities = pending.remove(model);
        if (probabilities == null) {
            return;
        }
        INDArray labels = ((IOutputLayer) ((ComputationGraph) model).getOutputLayer(0)).getLabels();
        float[][] y = labels.toFloatMatrix();
        TrainTally batch = new TrainTally(classes);
        for (int i = 0; i < probabilities.length; i++) {
            batch.add(probabilities[i], argmax(y[i]));
        }
        // The update is not applied yet: the penalty is the one DL4J added to this batch's score.
        double dataLoss = model.score() - ((ComputationGraph) model).calcRegularizationScore(true);
        batch.addLoss(dataLoss * probabilities.length, probabilities.length);
        sink.accept(batch);
    }

    private static int argmax(float[] row) {
        int best = 0;
        for (int c = 1; c < row.length; c++) {
            if (row[c] > row[best]) {
                best = c;
            }
        }
        return best;
    }

    @Serial
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        pending = Collections.synchronizedMap(new IdentityHashMap<>());
    }
}
