package dev.graft.train;

import dev.graft.model.ModelAssembler;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.List;
import java.util.Map;

/** Finds where a stage ends in a model graph: its vertex that feeds a vertex of another stage. */
final class Boundaries {
    private Boundaries() {
    }

    static String endOf(ComputationGraph model, String stage) {
        Map<String, List<String>> inputs = model.getConfiguration().getVertexInputs();
        for (Map.Entry<String, List<String>> e : inputs.entrySet()) {
            if (ModelAssembler.stageOf(e.getKey()).equals(stage)) {
                continue;
            }
            for (String input : e.getValue()) {
                if (ModelAssembler.stageOf(input).equals(stage)) {
                    return input;
                }
            }
        }
        throw new IllegalStateException("no vertex ends stage " + stage);
    }
}
