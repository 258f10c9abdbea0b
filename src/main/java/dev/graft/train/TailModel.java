package dev.graft.train;

import dev.graft.model.GraphWalk;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.Map;

/**
 * The trainable part of a model with frozen leading stages: a graph whose input is the frozen part's output
 * (the {@code boundary} vertex) and whose vertices, parameters, updaters and names are the full model's.
 * Training it on cached boundary activations is training the full model, without recomputing what cannot
 * change. Parameters and optimizer state are copied between the two, so checkpoints stay full models.
 */
final class TailModel {
    private final ComputationGraph tail;
    private final String boundary;

    private TailModel(ComputationGraph tail, String boundary) {
        this.tail = tail;
        this.boundary = boundary;
    }

    /** The tail of {@code full}: every vertex that does not feed {@code boundary}, with boundary as input. */
    static TailModel of(ComputationGraph full, String boundary) {
        Set<String> upstream = GraphWalk.ancestors(boundary, full.getConfiguration().getVertexInputs());
        ComputationGraphConfiguration conf = full.getConfiguration();
        ComputationGraph tail = subgraph(full, List.of(boundary), name -> !upstream.contains(name),
                conf.getNetworkOutputs());
        tail.getConfiguration().setIterationCount(conf.getIterationCount());
        tail.getConfiguration().setEpochCount(conf.getEpochCount());
        TailModel model = new TailModel(tail, boundary);
        model.pullFrom(full);
        return model;
    }

    /**
     * The frozen front of {@code full}: everything that feeds {@code boundary}, with {@code boundary} as the
     * output. Its parameters are the full model's (they never change while the stages stay frozen).
     */
    static ComputationGraph front(ComputationGraph full, String boundary) {
        Set<String> upstream = GraphWalk.ancestors(boundary, full.getConfiguration().getVertexInputs());
        ComputationGraph front = subgraph(full, full.getConfiguration().getNetworkInputs(), upstream::contains,
                List.of(boundary));
        copyParams(full, front);
        return front;
    }

    /** A new, initialised graph of {@code full}'s vertices that {@code keep} accepts, wired as in {@code full}. */
    private static ComputationGraph subgraph(ComputationGraph full, List<String> inputs, Predicate<String> keep,
                                             List<String> outputs) {
        ComputationGraphConfiguration conf = full.getConfiguration().clone();
        ComputationGraphConfiguration.GraphBuilder builder = new NeuralNetConfiguration.Builder(
                conf.getDefaultConfiguration().clone()).graphBuilder().addInputs(inputs.toArray(String[]::new));
        for (Map.Entry<String, GraphVertex> v : conf.getVertices().entrySet()) {
            if (keep.test(v.getKey())) {
                builder.addVertex(v.getKey(), v.getValue().clone(),
                        conf.getVertexInputs().get(v.getKey()).toArray(String[]::new));
            }
        }
        ComputationGraph graph = new ComputationGraph(builder.setOutputs(outputs.toArray(String[]::new)).build());
        graph.init();
        return graph;
    }


    ComputationGraph graph() {
        return tail;
    }

    String boundary() {
        return boundary;
    }

    /** Parameters, optimizer state and counters from the full model into the tail. */
    void pullFrom(ComputationGraph full) {
        copyParams(full, tail);
        if (full.getUpdater(false) != null && full.getUpdater().getStateViewArray() != null) {
            tail.getUpdater().getStateViewArray().assign(full.getUpdater().getStateViewArray());
        }
        tail.getConfiguration().setIterationCount(full.getConfiguration().getIterationCount());
        tail.getConfiguration().setEpochCount(full.getConfiguration().getEpochCount());
    }

    /** Parameters, optimizer state and counters from the tail back into the full model. */
    void pushTo(ComputationGraph full) {
        copyParams(tail, full);
        INDArray state = tail.getUpdater().getStateViewArray();
        if (state != null) {
            full.getUpdater().getStateViewArray().assign(state);
        }
        full.getConfiguration().setIterationCount(tail.getConfiguration().getIterationCount());
        full.getConfiguration().setEpochCount(tail.getConfiguration().getEpochCount());
    }

    private static void copyParams(ComputationGraph from, ComputationGraph to) {
        Map<String, INDArray> target = to.paramTable();
        from.paramTable().forEach((name, value) -> {
            INDArray dst = target.get(name);
            if (dst != null) {
                dst.assign(value);
            }
        });
    }
}
