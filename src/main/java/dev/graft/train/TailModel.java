package dev.graft.train;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
        ComputationGraphConfiguration conf = full.getConfiguration().clone();
        ComputationGraphConfiguration.GraphBuilder builder = new NeuralNetConfiguration.Builder(
                conf.getDefaultConfiguration().clone()).graphBuilder().addInputs(boundary);
        Map<String, List<String>> inputs = conf.getVertexInputs();
        Set<String> upstream = ancestors(boundary, inputs);
        for (Map.Entry<String, GraphVertex> v : conf.getVertices().entrySet()) {
            if (!upstream.contains(v.getKey())) {
                builder.addVertex(v.getKey(), v.getValue().clone(), inputs.get(v.getKey()).toArray(String[]::new));
            }
        }
        builder.setOutputs(conf.getNetworkOutputs().toArray(String[]::new));
        ComputationGraphConfiguration tailConf = builder.build();
        tailConf.setIterationCount(conf.getIterationCount());
        tailConf.setEpochCount(conf.getEpochCount());
        ComputationGraph tail = new ComputationGraph(tailConf);
        tail.init();
        TailModel model = new TailModel(tail, boundary);
        model.pullFrom(full);
        return model;
    }

    /**
     * The frozen front of {@code full}: everything that feeds {@code boundary}, with {@code boundary} as the
     * output. Its parameters are the full model's (they never change while the stages stay frozen).
     */
    static ComputationGraph front(ComputationGraph full, String boundary) {
        ComputationGraphConfiguration conf = full.getConfiguration().clone();
        ComputationGraphConfiguration.GraphBuilder builder = new NeuralNetConfiguration.Builder(
                conf.getDefaultConfiguration().clone()).graphBuilder()
                .addInputs(conf.getNetworkInputs().toArray(String[]::new));
        Map<String, List<String>> inputs = conf.getVertexInputs();
        for (String name : ancestors(boundary, inputs)) {
            if (conf.getVertices().containsKey(name)) {
                builder.addVertex(name, conf.getVertices().get(name).clone(),
                        inputs.get(name).toArray(String[]::new));
            }
        }
        ComputationGraph front = new ComputationGraph(builder.setOutputs(boundary).build());
        front.init();
        copyParams(full, front);
        return front;
    }

    /** {@code vertex} and everything it (transitively) reads from. */
    private static Set<String> ancestors(String vertex, Map<String, List<String>> inputs) {
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(vertex));
        while (!todo.isEmpty()) {
            String v = todo.pop();
            if (seen.add(v)) {
                todo.addAll(inputs.getOrDefault(v, List.of()));
            }
        }
        return seen;
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
