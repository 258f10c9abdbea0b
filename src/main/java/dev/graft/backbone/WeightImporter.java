package dev.graft.backbone;

import dev.graft.GraftException;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Copies a canonical (torchvision-named) state dict into a backbone graph. Convolution weights
 * {@code [out, in, kh, kw]} map directly; {@code fc.weight} {@code [out, in]} is transposed to DL4J's
 * {@code [in, out]}; BatchNorm weight, bias, running mean and running variance map to gamma, beta, mean and var
 * (the graph stores the variance itself, so the statistics import exactly).
 *
 * <p>Every mismatch is collected first and reported in one {@link GraftException}: missing tensors, unexpected
 * tensors and tensors of the wrong shape, with a guess of what the file really holds.
 */
final class WeightImporter {
    private static final int LISTED = 12;

    private WeightImporter() {
    }

    /** One DL4J parameter and the PyTorch tensor that fills it. */
    record Target(String vertex, String param, String torchKey, long[] torchShape, boolean transpose) {
    }

    /** Every parameter of {@code graph} with its torchvision key, in graph order. */
    static List<Target> targets(ComputationGraph graph) {
        List<Target> out = new ArrayList<>();
        for (Layer layer : graph.getLayers()) {
            String vertex = layer.conf().getLayer().getLayerName();
            String module = TorchNames.modulePath(vertex);
            for (Map.Entry<String, INDArray> p : layer.paramTable().entrySet()) {
                if (module == null) {
                    throw new IllegalStateException("vertex " + vertex + " has parameters but no PyTorch name");
                }
                long[] shape = p.getValue().shape();
                boolean dense = vertex.equals(VertexNames.CLASSIFIER);
                long[] torchShape = dense && p.getKey().equals("W") ? new long[] {shape[1], shape[0]}
                        : shape.length == 4 ? shape : new long[] {p.getValue().length()};
                out.add(new Target(vertex, p.getKey(), module + "." + TorchNames.tensorName(p.getKey()),
                        torchShape, dense && p.getKey().equals("W")));
            }
        }
        return out;
    }

    /** Fills {@code graph} from {@code dict} (canonical names), or throws listing every mismatch. */
    static void importInto(ComputationGraph graph, StateDict dict, ResNetSpec spec) {
        List<Target> targets = targets(graph);
        List<String> missing = new ArrayList<>();
        List<String> wrongShape = new ArrayList<>();
        Set<String> expected = new LinkedHashSet<>();
        for (Target t : targets) {
            expected.add(t.torchKey());
            CheckpointTensor tensor = dict.get(t.torchKey());
            if (tensor == null) {
                missing.add(t.torchKey());
            } else if (!Arrays.equals(tensor.shape(), t.torchShape())) {
                wrongShape.add(t.torchKey() + ": " + spec.name() + " needs " + Arrays.toString(t.torchShape())
                        + ", file has " + tensor.shapeString());
            }
        }
        List<String> unexpected = dict.keys().stream().filter(k -> !expected.contains(k)).toList();
        if (!missing.isEmpty() || !unexpected.isEmpty() || !wrongShape.isEmpty()) {
            throw GraftException.usage(report(dict, spec, missing, unexpected, wrongShape));
        }
        for (Target t : targets) {
            CheckpointTensor tensor = dict.get(t.torchKey());
            INDArray param = graph.getLayer(t.vertex()).getParam(t.param());
            INDArray source = t.transpose()
                    ? Nd4j.create(tensor.values(), tensor.shape(), 'c').transpose()
                    : Nd4j.create(tensor.values(), param.shape(), 'c');
            param.assign(source);
        }
    }

    private static String report(StateDict dict, ResNetSpec spec, List<String> missing, List<String> unexpected,
                                 List<String> wrongShape) {
        StringBuilder sb = new StringBuilder("the weights in ").append(dict.source()).append(" do not fit ")
                .append(spec.describe()).append(':');
        section(sb, "missing", missing);
        section(sb, "unexpected", unexpected);
        section(sb, "wrong shape", wrongShape);
        sb.append("\n  the file looks like: ").append(guess(dict));
        return sb.toString();
    }

    private static void section(StringBuilder sb, String title, List<String> items) {
        if (items.isEmpty()) {
            return;
        }
        sb.append("\n  ").append(title).append(" (").append(items.size()).append("): ");
        sb.append(String.join(", ", items.subList(0, Math.min(LISTED, items.size()))));
        if (items.size() > LISTED) {
            sb.append(", ... and ").append(items.size() - LISTED).append(" more");
        }
    }

    /** A description of the architecture a canonical state dict was saved from, as far as the keys tell. */
    static String guess(StateDict dict) {
        Map<Integer, Set<Integer>> blocks = new LinkedHashMap<>();
        boolean bottleneck = false;
        for (String key : dict.keys()) {
            String[] parts = key.split("\\.");
            if (parts.length > 2 && parts[0].matches("layer\\d+") && parts[1].matches("\\d+")) {
                blocks.computeIfAbsent(Integer.parseInt(parts[0].substring(5)), s -> new java.util.TreeSet<>())
                        .add(Integer.parseInt(parts[1]));
                bottleneck |= parts[2].equals("conv3");
            }
        }
        if (blocks.isEmpty()) {
            List<String> keys = new ArrayList<>(dict.keys());
            return "no ResNet (first keys: " + String.join(", ", keys.subList(0, Math.min(5, keys.size()))) + ")";
        }
        List<Integer> depths = new ArrayList<>();
        new java.util.TreeMap<>(blocks).values().forEach(b -> depths.add(b.size()));
        CheckpointTensor stem = dict.get("conv1.weight");
        boolean cifarStem = stem != null && stem.shape().length == 4 && stem.shape()[2] == 3;
        for (dev.graft.config.Arch arch : dev.graft.config.Arch.values()) {
            ResNetSpec known = ResNetSpec.of(arch);
            if (known.depths().equals(depths) && (known.block() == ResNetSpec.Block.BOTTLENECK) == bottleneck
                    && (known.stem() == ResNetSpec.Stem.CIFAR) == cifarStem) {
                return arch.id() + " (" + (bottleneck ? "bottleneck" : "basic") + " blocks " + depths + ")";
            }
        }
        return (bottleneck ? "bottleneck" : "basic") + " blocks " + depths + ", which is none of "
                + dev.graft.config.Arch.ids();
    }
}
