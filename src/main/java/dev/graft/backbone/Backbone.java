package dev.graft.backbone;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

/**
 * A ResNet as a DL4J {@link ComputationGraph} together with the facts needed to use it: its stages (the unit
 * of freezing), the feature vertex a new head attaches to, the optional classifier, and the input it expects.
 *
 * <p>Graph layout: input {@value VertexNames#INPUT} (NCHW, normalised) &rarr; stages &rarr;
 * {@value VertexNames#FEATURES} (global average pool, 2-D {@code [N, featureWidth]}) &rarr; optionally
 * {@value VertexNames#CLASSIFIER} (logits, identity activation), which is then the graph's output.
 */
public final class Backbone {
    private final ResNetSpec spec;
    private final InputSpec input;
    private final ComputationGraph graph;
    private final Stages stages;
    private final List<String> classNames;

    /**
     * @param classNames names of the classifier's outputs when the weights say (Hugging Face
     *                   {@code id2label}); empty when unknown
     */
    public Backbone(ResNetSpec spec, InputSpec input, ComputationGraph graph, Stages stages,
                    List<String> classNames) {
        this.spec = spec;
        this.input = input;
        this.graph = graph;
        this.stages = stages;
        this.classNames = List.copyOf(classNames);
    }

    /** The architecture, with the classifier size the weights have. */
    public ResNetSpec spec() {
        return spec;
    }

    /** Input size, evaluation resize and mean/std the weights expect. */
    public InputSpec input() {
        return input;
    }

    /** The graph itself; its parameters are the imported weights. */
    public ComputationGraph graph() {
        return graph;
    }

    /** The stages (the unit of freezing), the pooled-feature vertex and the classifier vertex. */
    public Stages stages() {
        return stages;
    }

    /** Channels of the pooled features. */
    public int featureWidth() {
        return spec.featureWidth();
    }

    /** Class names from the weights, when they carry them; empty otherwise. */
    public List<String> classNames() {
        return classNames;
    }

    /** Classifier logits {@code [N, classes]} for normalised NCHW images, in inference mode. */
    public INDArray logits(INDArray images) {
        if (stages.classifierVertex().isEmpty()) {
            throw new IllegalStateException(spec.name() + " was built without a classifier");
        }
        return graph.outputSingle(false, images);
    }

    /** Pooled features {@code [N, featureWidth()]} for normalised NCHW images, in inference mode. */
    public INDArray features(INDArray images) {
        return activations(images).get(stages.featureVertex());
    }

    /**
     * Every vertex's activation for normalised NCHW images, in inference mode (for inspection and tests), in
     * PyTorch's NCHW layout whatever layout the graph computes in.
     */
    public Map<String, INDArray> activations(INDArray images) {
        Map<String, INDArray> raw = graph.feedForward(images, false); // built channels-last (ResNetBuilder)
        Map<String, INDArray> nchw = new java.util.LinkedHashMap<>();
        raw.forEach((name, a) -> nchw.put(name, a.rank() == 4 && !name.equals(VertexNames.INPUT)
                ? a.permute(0, 3, 1, 2).dup('c') : a));
        return nchw;
    }

    /**
     * Parameters counted as PyTorch counts them (BatchNorm running statistics are buffers, not parameters):
     * 11,689,512 for resnet18 and 25,557,032 for resnet50, both with a 1000-class {@code fc}.
     */
    public long parameterCount() {
        return parameterCount(graph.getConfiguration());
    }

    /** {@link #parameterCount()} of a configuration, without allocating its parameters. */
    public static long parameterCount(org.deeplearning4j.nn.conf.ComputationGraphConfiguration configuration) {
        return configuration.getVertices().values().stream().mapToLong(Stages::parameterCount).sum();
    }

    /** DL4J's parameter count of a configuration (BatchNorm running statistics included), without allocating. */
    public static long dl4jParameterCount(org.deeplearning4j.nn.conf.ComputationGraphConfiguration configuration) {
        long total = 0;
        for (var vertex : configuration.getVertices().values()) {
            total += vertex.numParams(true);
        }
        return total;
    }

    @Override
    public String toString() {
        return spec.describe();
    }
}
