package dev.graft.backbone;

import dev.graft.GraftException;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Weights from a DL4J model zip written by Graft (a converted backbone, or a whole trained model: its extra
 * vertices, such as a new head, are ignored). Parameters are copied by vertex name into a freshly built
 * backbone, so a zip of another architecture is reported like any other mismatch.
 */
final class Dl4jWeights {
    private static final Logger LOG = LoggerFactory.getLogger(Dl4jWeights.class);

    private Dl4jWeights() {
    }

    static Backbone load(ResNetSpec requested, Path zip, InputSpec input, long seed) {
        long start = System.nanoTime();
        ComputationGraph source = restore(zip);
        GraphVertex fc = source.getVertex(VertexNames.CLASSIFIER);
        int classes = fc != null && fc.hasLayer() && fc.getLayer().numParams() > 0
                ? (int) fc.getLayer().getParam("b").length() : 0;
        ResNetSpec spec = requested.withClasses(classes);
        ResNetBuilder.Blueprint bp = ResNetBuilder.blueprint(spec, input.size(), seed);
        ComputationGraph graph = new ComputationGraph(bp.configuration());
        graph.init();
        List<String> problems = new ArrayList<>();
        for (Layer layer : graph.getLayers()) {
            String name = layer.conf().getLayer().getLayerName();
            GraphVertex from = source.getVertex(name);
            for (Map.Entry<String, INDArray> p : layer.paramTable().entrySet()) {
                INDArray src = from == null || !from.hasLayer() ? null : from.getLayer().paramTable().get(p.getKey());
                if (src == null) {
                    problems.add("missing " + name + "_" + p.getKey());
                } else if (!Arrays.equals(src.shape(), p.getValue().shape())) {
                    problems.add(name + "_" + p.getKey() + ": " + spec.name() + " needs "
                            + Arrays.toString(p.getValue().shape()) + ", file has " + Arrays.toString(src.shape()));
                } else {
                    p.getValue().assign(src);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw GraftException.usage("the DL4J model " + zip + " does not fit " + spec.describe() + ": "
                    + String.join(", ", problems.subList(0, Math.min(12, problems.size())))
                    + (problems.size() > 12 ? ", ... and " + (problems.size() - 12) + " more" : ""));
        }
        LOG.info("Loaded {} (DL4J) in {} s", zip, String.format(java.util.Locale.ROOT, "%.2f",
                (System.nanoTime() - start) / 1e9));
        return new Backbone(spec, input, graph, bp.stages(), List.of());
    }

    /**
     * The model in {@code zip} ({@link WeightFormat#detect} has seen its model entries). A damaged configuration or
     * parameter array is the user's to fix (exit 2, naming the file); any other failure is a bug and propagates.
     */
    private static ComputationGraph restore(Path zip) {
        try {
            return ModelSerializer.restoreComputationGraph(zip.toFile(), false);
        } catch (IOException e) {
            throw unreadable(zip, e);
        } catch (RuntimeException e) {
            // DL4J wraps what it could not parse (the JSON configuration, the parameter array) with its cause.
            if (causedByIo(e)) {
                throw unreadable(zip, e);
            }
            throw e;
        }
    }

    private static boolean causedByIo(Throwable e) {
        for (Throwable c = e.getCause(); c != null && c != e; e = c, c = c.getCause()) {
            if (c instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static GraftException unreadable(Path zip, Exception cause) {
        return new GraftException("cannot read DL4J model " + zip + ": " + TorchCheckpointReader.message(cause)
                + " (is it a ComputationGraph zip written by Graft?)", GraftException.USAGE, cause);
    }
}
