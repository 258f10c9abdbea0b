package dev.graft.backbone;

import dev.graft.config.Arch;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stages of a backbone graph, built by {@link ResNetBuilder} and carried by its {@link Backbone}: each
 * stage's vertices, the vertex that ends it, its parameters, and whether it is frozen in a given model; plus the
 * pooled-feature vertex a head attaches to and the optional classifier. Everything that needs to know where a
 * stage is (model assembly and freezing, the feature cache, benchmarks, model cards, {@code graft backbones})
 * asks this object; nothing reads a stage out of a vertex name.
 */
public final class Stages {
    private static final Map<ResNetSpec, Stages> BY_SPEC = new ConcurrentHashMap<>();

    private final List<Stage> stages;
    private final String featureVertex;
    private final String classifierVertex;
    private final Map<String, Stage> byVertex = new HashMap<>();

    Stages(List<Stage> stages, String featureVertex, String classifierVertex) {
        this.stages = List.copyOf(stages);
        this.featureVertex = featureVertex;
        this.classifierVertex = classifierVertex;
        this.stages.forEach(s -> s.vertices().forEach(v -> byVertex.put(v, s)));
    }

    /**
     * The stages of {@code arch}'s published layout. A Graft model of that arch has these stages whatever its
     * weights or head (the layout, not the classifier size, decides them), so a model restored from a checkpoint
     * is described by the stages of its config's arch.
     */
    public static Stages of(Arch arch) {
        return of(ResNetSpec.of(arch).withClasses(0));
    }

    /** The stages of {@code spec} (built once per spec; no parameters are allocated). */
    public static Stages of(ResNetSpec spec) {
        return BY_SPEC.computeIfAbsent(spec, s -> ResNetBuilder.blueprint(s,
                InputSpec.forStem(s.stem()).size(), 0).stages());
    }

    /** Stages in forward order: {@code stem}, {@code stage1}, ... */
    public List<Stage> list() {
        return stages;
    }

    /** Stage names in forward order. */
    public List<String> names() {
        return stages.stream().map(Stage::name).toList();
    }

    /** The stage called {@code name}. */
    public Stage get(String name) {
        return stages.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("no stage '" + name + "'; stages: " + names()));
    }

    /** The stage {@code vertex} belongs to; empty for vertices outside every stage (pooling, classifier, head). */
    public Optional<Stage> containing(String vertex) {
        return Optional.ofNullable(byVertex.get(vertex));
    }

    /** The global-average-pool vertex: output {@code [N, C]}, where a new head attaches. */
    public String featureVertex() {
        return featureVertex;
    }

    /** The classifier vertex when the backbone has one. */
    public Optional<String> classifierVertex() {
        return Optional.ofNullable(classifierVertex);
    }

    /**
     * Where a model whose leading stages {@code frozenPrefix} are frozen splits into a part that cannot change
     * and a part that trains: the end of the last frozen stage, or the pooled features when every stage is frozen
     * (the smallest activation to keep). {@code frozenPrefix} must not be empty.
     */
    public String splitAfter(List<String> frozenPrefix) {
        if (frozenPrefix.isEmpty()) {
            throw new IllegalArgumentException("no frozen stage to split after");
        }
        return frozenPrefix.size() == stages.size() ? featureVertex
                : get(frozenPrefix.get(frozenPrefix.size() - 1)).endVertex();
    }

    /** Names of the stages frozen in {@code model}, in forward order. */
    public List<String> frozenIn(ComputationGraph model) {
        return frozenIn(model.getConfiguration());
    }

    /**
     * Names of the stages frozen in a configuration, in forward order: those with a layer wrapped as a
     * {@link FrozenLayer} (vertices the configuration lacks are ignored).
     */
    public List<String> frozenIn(ComputationGraphConfiguration configuration) {
        Map<String, GraphVertex> vertices = configuration.getVertices();
        return stages.stream().filter(s -> s.vertices().stream().anyMatch(v -> vertices.get(v) instanceof LayerVertex lv
                && lv.getLayerConf().getLayer() instanceof FrozenLayer)).map(Stage::name).toList();
    }

    /** Parameters of the stages as PyTorch counts them. */
    public long parameterCount() {
        return stages.stream().mapToLong(Stage::parameterCount).sum();
    }

    /** Collects the stages while {@link ResNetBuilder} adds vertices; {@link #build} counts their parameters. */
    static final class Recorder {
        private record Pending(String name, String endVertex, int channels, int reduction, List<String> vertices) {
        }

        private final List<Pending> done = new ArrayList<>();
        private List<String> current = new ArrayList<>();

        void vertex(String name) {
            current.add(name);
        }

        void endStage(String name, String endVertex, int channels, int reduction) {
            done.add(new Pending(name, endVertex, channels, reduction, current));
            current = new ArrayList<>();
        }

        Stages build(ComputationGraphConfiguration configuration, String featureVertex, String classifierVertex) {
            List<Stage> stages = new ArrayList<>();
            for (Pending p : done) {
                List<String> names = new ArrayList<>();
                long count = 0;
                for (String v : p.vertices()) {
                    GraphVertex vertex = configuration.getVertices().get(v);
                    if (vertex instanceof LayerVertex lv) {
                        Layer layer = lv.getLayerConf().getLayer();
                        layer.initializer().paramKeys(layer).forEach(key -> names.add(v + "_" + key));
                    }
                    count += parameterCount(vertex);
                }
                stages.add(new Stage(p.name(), p.endVertex(), p.channels(), p.reduction(), p.vertices(), names,
                        count));
            }
            return new Stages(stages, featureVertex, classifierVertex);
        }
    }

    /** A vertex's parameters as PyTorch counts them: BatchNorm running mean and variance are buffers. */
    static long parameterCount(GraphVertex vertex) {
        if (!(vertex instanceof LayerVertex lv)) {
            return 0;
        }
        Layer layer = lv.getLayerConf().getLayer();
        long n = layer.initializer().numParams(layer);
        return layer instanceof BatchNormalization bn ? n - 2 * bn.getNOut() : n;
    }
}
