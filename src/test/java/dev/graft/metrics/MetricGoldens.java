package dev.graft.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The cases of src/test/resources/metrics/goldens.json, written by tools/make_metric_goldens.py. */
record MetricGoldens(String name, int classes, int[] labels, double[][] logits, double[][] probabilities,
                     JsonNode expected) {

    static List<MetricGoldens> load() {
        try (InputStream in = MetricGoldens.class.getResourceAsStream("/metrics/goldens.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            List<MetricGoldens> cases = new ArrayList<>();
            for (JsonNode c : root.get("cases")) {
                cases.add(new MetricGoldens(c.get("name").asText(), c.get("classes").asInt(), ints(c.get("labels")),
                        matrix(c.get("logits")), matrix(c.get("probabilities")), c.get("expected")));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ScoredExamples scored() {
        return new ScoredExamples(probabilities, labels, classes);
    }

    double value(String key) {
        return expected.get(key).asDouble();
    }

    /** A per-class array; JSON null (class absent) becomes NaN. */
    double[] perClass(String key) {
        JsonNode node = expected.get(key);
        double[] out = new double[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = node.get(i).isNull() ? Double.NaN : node.get(i).asDouble();
        }
        return out;
    }

    @Override
    public String toString() {
        return name;
    }

    private static int[] ints(JsonNode node) {
        int[] out = new int[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = node.get(i).asInt();
        }
        return out;
    }

    private static double[][] matrix(JsonNode node) {
        double[][] out = new double[node.size()][];
        for (int i = 0; i < out.length; i++) {
            JsonNode row = node.get(i);
            out[i] = new double[row.size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = row.get(j).asDouble();
            }
        }
        return out;
    }
}
