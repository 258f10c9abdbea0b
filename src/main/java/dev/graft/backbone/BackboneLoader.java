package dev.graft.backbone;

import dev.graft.GraftException;
import dev.graft.config.HubId;
import dev.graft.config.Arch;
import dev.graft.config.BackboneConfig;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Builds backbones and fills them from a weight source, as {@code backbone.weights} names it:
 * {@code none} (random initialisation), {@code imagenet} / {@code imagenet_v1} / {@code imagenet_v2}
 * (torchvision's published checkpoints, downloaded once into the {@link WeightStore}), or a path to a PyTorch
 * file (zip or legacy {@code torch.save}), a {@code .safetensors} file, a Hugging Face ResNet folder, a Hugging
 * Face Hub id ({@link HubId}, fetched once by {@link HuggingFaceHub}) or a DL4J zip written by Graft. A Hugging
 * Face folder's {@code preprocessor_config.json}, when present, decides the input preprocessing. Converted checkpoints are cached ({@link ConvertedGraphCache}) so the next load is fast;
 * both load times are logged.
 */
public final class BackboneLoader {
    private static final Logger LOG = LoggerFactory.getLogger(BackboneLoader.class);
    /** Seed of graphs whose parameters are all imported: fixed, so their configuration (and cache) is too. */
    private static final long IMPORT_SEED = 0;

    private final WeightStore store;
    private final HuggingFaceHub hub;
    private final ConvertedGraphCache cache;
    private final long seed;

    /**
     * @param store          where published weights are downloaded to
     * @param cacheConverted keep converted graphs for the next load
     * @param seed           seed of the random initialisation of {@code none} weights
     */
    public BackboneLoader(WeightStore store, boolean cacheConverted, long seed) {
        this(store, null, cacheConverted, seed);
    }

    /**
     * @param hub where Hub ids are fetched from; null: the endpoint of the environment, resolved on first use
     */
    public BackboneLoader(WeightStore store, HuggingFaceHub hub, boolean cacheConverted, long seed) {
        this.store = store;
        this.hub = hub;
        this.cache = cacheConverted ? new ConvertedGraphCache(store) : null;
        this.seed = seed;
    }

    /** The standard loader: weights folder from the environment, converted graphs cached, seed 1. */
    public static BackboneLoader standard() {
        return new BackboneLoader(WeightStore.fromEnvironment(), true, 1);
    }

    /**
     * The same loader with another seed for random initialisation. Never 0: DL4J treats a configuration seed
     * of 0 as "unseeded" and initialises differently on every run.
     */
    public BackboneLoader withSeed(long newSeed) {
        return new BackboneLoader(store, hub, cache != null, newSeed == 0 ? 1 : newSeed);
    }

    /**
     * {@code arch} with the weights a {@code backbone.weights} value names (keyword, Hub id or path). {@code arch}
     * may be null for a Hugging Face folder or Hub id: its {@code config.json} then decides.
     */
    public Backbone load(Arch arch, String weights) {
        Optional<HubId> id;
        try {
            id = HubId.parse(weights);
        } catch (IllegalArgumentException e) {
            throw new GraftException(e.getMessage(), GraftException.USAGE, e);
        }
        if (id.isPresent()) {
            HuggingFaceHub source = hub != null ? hub : HuggingFaceHub.fromEnvironment(store);
            Path folder = source.ensure(id.get());
            Backbone b = load(arch == null ? null : ResNetSpec.of(arch), folder, InputSpec.imagenet(256), null);
            return new Backbone(b.spec().withName(id.get().repo()), b.input(), b.graph(), b.stages(),
                    b.classNames());
        }
        if (arch == null) {
            if (BackboneConfig.WEIGHT_KEYWORDS.contains(weights.toLowerCase(Locale.ROOT))) {
                throw GraftException.usage("weights " + weights + " need an architecture; choose one of "
                        + Arch.ids());
            }
            return load(null, Path.of(weights), InputSpec.imagenet(256), null);
        }
        ResNetSpec spec = ResNetSpec.of(arch);
        String keyword = weights.toLowerCase(Locale.ROOT);
        if (keyword.equals("none")) {
            return random(spec, InputSpec.forStem(spec.stem()));
        }
        if (BackboneConfig.WEIGHT_KEYWORDS.contains(keyword)) {
            PretrainedWeights published = PretrainedWeights.find(arch, keyword)
                    .orElseThrow(() -> new GraftException(noPublished(arch, keyword)));
            Path file = store.ensure(published);
            Backbone b = load(spec, file, published.input(), published);
            return new Backbone(b.spec(), b.input(), b.graph(), b.stages(), ClassLabels.imagenet());
        }
        return load(spec, Path.of(weights), InputSpec.forStem(spec.stem()), null);
    }

    /**
     * A backbone from a weights file or folder. {@code requested} may be null for a Hugging Face folder (its
     * {@code config.json} then decides); otherwise a folder must describe the requested architecture.
     */
    public Backbone load(ResNetSpec requested, Path path, InputSpec input) {
        return load(requested, path, input, null);
    }

    /** A randomly initialised backbone (BatchNorm: gamma 1, beta 0, running mean 0, running variance 1). */
    public Backbone random(ResNetSpec spec, InputSpec input) {
        ResNetBuilder.Blueprint bp = ResNetBuilder.blueprint(spec, input.size(), seed);
        ComputationGraph graph = new ComputationGraph(bp.configuration());
        graph.init();
        return new Backbone(spec, input, graph, bp.stages(), List.of());
    }

    private Backbone load(ResNetSpec requested, Path path, InputSpec input, PretrainedWeights published) {
        WeightFormat format = WeightFormat.detect(path);
        if (requested == null && format != WeightFormat.HUGGING_FACE) {
            throw GraftException.usage("an architecture is needed to read " + path + " (only Hugging Face folders"
                    + " describe their own); choose one of " + Arch.ids());
        }
        if (format == WeightFormat.DL4J_ZIP) {
            return Dl4jWeights.load(requested, path, input, IMPORT_SEED);
        }
        HuggingFaceResNet hf = format == WeightFormat.HUGGING_FACE ? HuggingFaceResNet.open(path) : null;
        if (hf != null && hf.preprocessing().isPresent()) {
            input = hf.preprocessing().get();
        }
        ResNetSpec spec = hf == null ? requested : checkSame(requested, hf.spec(), path);
        List<String> labels = hf == null ? List.of() : hf.classNames();
        long start = System.nanoTime();
        Optional<Backbone> cached = fromCache(path, spec, input, labels);
        if (cached.isPresent()) {
            LOG.info("Loaded {} from its converted cache in {}", path, seconds(start));
            return cached.get();
        }
        if (published != null) {
            store.verify(published, path);
        }
        StateDict raw = switch (format) {
            case TORCH_ZIP, TORCH_LEGACY -> TorchCheckpointReader.read(path);
            case SAFETENSORS -> SafetensorsReader.read(path);
            default -> hf.read();
        };
        long read = System.nanoTime();
        StateDict dict = TorchNames.canonical(raw);
        CheckpointTensor fc = dict.get("fc.weight");
        ResNetSpec full = spec.withClasses(fc != null && fc.shape().length == 2 ? (int) fc.shape()[0] : 0);
        ResNetBuilder.Blueprint bp = ResNetBuilder.blueprint(full, input.size(), IMPORT_SEED);
        String layout = ConvertedGraphCache.digest(bp.configuration());
        ComputationGraph graph = new ComputationGraph(bp.configuration());
        // Every parameter is overwritten by the import, so skip DL4J's random initialisation.
        graph.init(Nd4j.zeros(DataType.FLOAT, 1, Backbone.dl4jParameterCount(bp.configuration())), false);
        WeightImporter.importInto(graph, dict, full);
        LOG.info("Converted {} ({}, {} tensors) in {} (reading the file {})", path, format, raw.size(),
                seconds(start), seconds(start, read));
        if (cache != null) {
            cache.save(path, spec, layout, full.numClasses(), graph.params())
                    .ifPresent(p -> LOG.info("Cached the conversion as {}", p));
        }
        return new Backbone(full, input, graph, bp.stages(), labels);
    }

    private Optional<Backbone> fromCache(Path path, ResNetSpec spec, InputSpec input, List<String> labels) {
        if (cache == null) {
            return Optional.empty();
        }
        return cache.load(path, spec, classes -> ResNetBuilder.blueprint(spec.withClasses(classes), input.size(),
                IMPORT_SEED).configuration()).map(entry -> {
                    ResNetSpec full = spec.withClasses(entry.numClasses());
                    ResNetBuilder.Blueprint bp = ResNetBuilder.blueprint(full, input.size(), IMPORT_SEED);
                    ComputationGraph graph = new ComputationGraph(bp.configuration());
                    graph.init(entry.params(), false);
                    return new Backbone(full, input, graph, bp.stages(), labels);
                });
    }

    private static ResNetSpec checkSame(ResNetSpec requested, ResNetSpec described, Path folder) {
        if (requested != null && !requested.sameBackbone(described)) {
            throw new GraftException(folder + "/config.json describes " + described.describe() + ", not "
                    + requested.describe());
        }
        return requested == null ? described : requested;
    }

    private static String noPublished(Arch arch, String keyword) {
        List<PretrainedWeights> available = PretrainedWeights.of(arch);
        if (available.isEmpty()) {
            return "torchvision publishes no ImageNet weights for " + arch + "; use weights: none or a path to a"
                    + " checkpoint (e.g. ../shared/weights/cifar10/resnet" + arch.depth() + "-*.th for the CIFAR"
                    + " models)";
        }
        return "torchvision publishes no " + keyword + " weights for " + arch + "; available: "
                + available.stream().map(PretrainedWeights::keyword).toList();
    }

    private static String seconds(long start) {
        return seconds(start, System.nanoTime());
    }

    private static String seconds(long start, long end) {
        return String.format(Locale.ROOT, "%.2f s", (end - start) / 1e9);
    }
}
