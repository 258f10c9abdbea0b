package dev.graft.train;

import dev.graft.metrics.ClassificationMetrics;
import dev.graft.model.ModelAssembler;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Map;

/**
 * Train-set top-1/top-k without a second forward pass: DL4J hands listeners every activation of the
 * training forward pass; the head's output layer is applied to its input here and the result scored against
 * the batch's labels. DL4J applies the output layer's dropout to that input in place, so these are the
 * predictions the network made while training (dropout included), as train accuracy usually is.
 */
final class TrainPredictions extends BaseTrainingListener {
    private final String outputInput;
    private ClassificationMetrics metrics;
    private int[] labels;


    TrainPredictions(ComputationGraph model) {
        this.outputInput = model.getConfiguration().getVertexInputs().get(ModelAssembler.OUTPUT).get(0);
    }

    /** Where the next batch's predictions go, with that batch's true class indices. */
    void expect(ClassificationMetrics target, int[] batchLabels) {
        this.metrics = target;
        this.labels = batchLabels;
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        INDArray input = activations.get(outputInput);
        if (metrics == null || input == null) {
            return;
        }
        ComputationGraph graph = (ComputationGraph) model;
        INDArray logits = input.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT)
                .mmul(graph.getParam(ModelAssembler.OUTPUT + "_W"))
                .addiRowVector(graph.getParam(ModelAssembler.OUTPUT + "_b"));
        float[][] probabilities = Transforms.softmax(logits, false).toFloatMatrix();
        for (int i = 0; i < probabilities.length; i++) {
            metrics.add(probabilities[i], labels[i]);
        }
        metrics = null;
    }
}
