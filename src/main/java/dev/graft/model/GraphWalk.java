package dev.graft.model;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Walks a graph configuration's wiring (vertex name to the names of its inputs). */
public final class GraphWalk {
    private GraphWalk() {
    }

    /** {@code vertex} and every vertex it (transitively) reads from: what must run before it. */
    public static Set<String> ancestors(String vertex, Map<String, List<String>> inputs) {
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
}
