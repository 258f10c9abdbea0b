package dev.graft.export;

import dev.graft.backbone.Backbone;
import dev.graft.backbone.InputSpec;
import dev.graft.backbone.ResNetBuilder;
import dev.graft.backbone.ResNetSpec;
import dev.graft.config.HeadConfig;
import dev.graft.model.HeadSpec;
import dev.graft.model.LayerTraining;
import dev.graft.model.ModelAssembler;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.Regularization;

import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Graft classifiers at tiny widths, built exactly as training builds them (ResNetBuilder + ModelAssembler,
 * frozen stages included), with random weights and random BatchNorm statistics so that every parameter and
 * running statistic matters to the output.
 */
final class TinyClassifiers {
    private TinyClassifiers() {
    }

    /** ImageNet layout (7x7/2 stem, max-pool, bottleneck blocks with projection shortcuts), widths 4..16. */
    static ResNetSpec imagenet() {
        return new ResNetSpec("tiny-imagenet", ResNetSpec.Stem.IMAGENET, ResNetSpec.Block.BOTTLENECK,
                List.of(1, 2, 1, 1), List.of(8, 8, 16, 16), 4, List.of(1, 2, 2, 2), true,
                ResNetSpec.Shortcut.PROJECTION, 0);
    }

    /** CIFAR layout (3x3 stem, basic blocks, parameter-free option-A shortcuts). */
    static ResNetSpec cifar() {
        return new ResNetSpec("tiny-cifar", ResNetSpec.Stem.CIFAR, ResNetSpec.Block.BASIC, List.of(2, 1, 1),
                List.of(4, 8, 16), 4, List.of(1, 2, 2), true, ResNetSpec.Shortcut.ZERO_PAD, 0);
    }

    static HeadConfig head(List<Integer> hidden, HeadConfig.Activation activation, boolean batchNorm) {
        return new HeadConfig(hidden, activation, 0.3, batchNorm);
    }

    /** The assembled classifier with {@code frozen} stages, random weights and BN statistics. */
    static ComputationGraph build(ResNetSpec spec, int size, HeadConfig head, int classes, List<String> frozen,
                                  long seed) {
        ResNetBuilder.Blueprint blueprint = ResNetBuilder.blueprint(spec, size, seed);
        ComputationGraph graph = new ComputationGraph(blueprint.configuration());
        graph.init();
        InputSpec input = spec.stem() == ResNetSpec.Stem.CIFAR ? InputSpec.cifar() : InputSpec.imagenet(256);
        Backbone backbone = new Backbone(spec, input, graph, blueprint.stages(), List.of());
        ComputationGraph model = ModelAssembler.assemble(backbone, new HeadSpec(head, classes, null), frozen,
                sgd(), seed);
        randomiseStatistics(model, seed);
        return model;
    }

    static LayerTraining sgd() {
        return new LayerTraining() {
            public IUpdater updater(String stage) {
                return new Sgd(0.01);
            }

            public List<Regularization> weightRegularization() {
                return List.of();
            }

            public double gradientClip() {
                return 0;
            }
        };
    }

    /** Replaces BatchNorm's initial mean 0 / var 1 / gamma 1 / beta 0 by random, well-conditioned values. */
    static void randomiseStatistics(ComputationGraph model, long seed) {
        Random random = new Random(seed);
        for (Map.Entry<String, INDArray> e : model.paramTable().entrySet()) {
            String key = e.getKey();
            INDArray p = e.getValue();
            for (long i = 0; i < p.length(); i++) {
                double v;
                if (key.endsWith("_mean")) {
                    v = 0.3 * random.nextGaussian();
                } else if (key.endsWith("_var")) {
                    v = 0.5 + random.nextDouble();
                } else if (key.endsWith("_log10stdev")) {
                    v = 0.3 * (random.nextDouble() - 0.5);
                } else if (key.endsWith("_gamma")) {
                    v = 0.6 + 0.8 * random.nextDouble();
                } else if (key.endsWith("_beta") || (key.endsWith("_b") && !key.startsWith("head.out"))) {
                    v = 0.2 * random.nextGaussian();
                } else {
                    continue;
                }
                p.putScalar(i, v);
            }
        }
    }

    /** Normalised-looking random images {@code [n, 3, size, size]}. */
    static INDArray images(int n, int size, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.FLOAT, n, 3, size, size);
    }
}
