package dev.graft.backbone;

import dev.graft.config.Arch;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.File;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The graphs' structure: PyTorch's parameter counts and output sizes, the stage map, the option-A shortcut. */
class ResNetBuilderTest {
    @TempDir
    Path dir;

    static ComputationGraph graph(ResNetSpec spec, int size) {
        ComputationGraph g = new ComputationGraph(ResNetBuilder.blueprint(spec, size, 1).configuration());
        g.init();
        return g;
    }

    @Test
    void parameterCountsAreTorchvisionsAndTheCifarPapers() {
        // torchvision's num_params; the CIFAR counts are PyTorch's for akamaster's models (0.27M, 0.85M, 1.7M).
        Map<Arch, Long> expected = Map.of(Arch.RESNET18, 11_689_512L, Arch.RESNET34, 21_797_672L,
                Arch.RESNET50, 25_557_032L, Arch.RESNET101, 44_549_160L, Arch.RESNET152, 60_192_808L,
                Arch.RESNET20_CIFAR, 269_722L, Arch.RESNET56_CIFAR, 853_018L, Arch.RESNET110_CIFAR, 1_727_962L);
        expected.forEach((arch, count) -> assertEquals(count, Backbone.parameterCount(
                ResNetBuilder.blueprint(ResNetSpec.of(arch), 224, 0).configuration()), arch.id()));
    }

    @Test
    void builtResNet50HasTheCountedParametersAndPyTorchsShapes() {
        ResNetSpec spec = ResNetSpec.of(Arch.RESNET50);
        ResNetBuilder.Blueprint bp = ResNetBuilder.blueprint(spec, 224, 0);
        ComputationGraph g = new ComputationGraph(bp.configuration());
        g.init();
        Backbone b = new Backbone(spec, InputSpec.imagenet(256), g, bp.stages(), List.of());
        assertEquals(25_557_032L, b.parameterCount());
        assertEquals(Backbone.dl4jParameterCount(bp.configuration()), g.numParams());
        // Input 225 (odd): PyTorch gives 113 after the stem conv, then 57, 57, 29, 15, 8.
        Map<String, INDArray> acts = b.activations(Nd4j.rand(DataType.FLOAT, 1, 3, 225, 225));
        assertArrayEquals(new long[] {1, 64, 113, 113}, acts.get("stem.relu").shape());
        long[][] expected = {{1, 64, 57, 57}, {1, 256, 57, 57}, {1, 512, 29, 29}, {1, 1024, 15, 15}, {1, 2048, 8, 8}};
        for (int i = 0; i < expected.length; i++) {
            Stage stage = b.stages().list().get(i);
            assertArrayEquals(expected[i], acts.get(stage.endVertex()).shape(), stage.name());
        }
        assertArrayEquals(new long[] {1, 2048}, acts.get(b.stages().featureVertex()).shape());
        assertArrayEquals(new long[] {1, 1000}, acts.get("fc").shape());
    }

    @Test
    void stagesCoverEveryVertexAndNameTheirOwn() {
        for (Arch arch : List.of(Arch.RESNET34, Arch.RESNET50, Arch.RESNET20_CIFAR)) {
            ResNetSpec spec = ResNetSpec.of(arch);
            ResNetBuilder.Blueprint bp = ResNetBuilder.blueprint(spec, 32, 0);
            assertEquals(spec.stageNames(), bp.stages().names());
            assertEquals(arch.stages(), spec.stageNames(), "config's Arch stages agree");
            Set<String> seen = new HashSet<>();
            for (Stage stage : bp.stages().list()) {
                assertTrue(stage.vertices().contains(stage.endVertex()));
                stage.vertices().forEach(v -> assertTrue(v.startsWith(stage.name() + "."), v + " names its stage"));
                stage.vertices().forEach(v -> assertEquals(stage, bp.stages().containing(v).orElseThrow(), v));
                seen.addAll(stage.vertices());
                assertTrue(stage.vertices().stream().noneMatch(v -> v.contains("_")), "no underscores");
            }
            Set<String> all = new HashSet<>(bp.configuration().getVertices().keySet());
            all.removeAll(seen);
            assertEquals(Set.of("avgpool", "fc"), all, arch.id());
            assertEquals(Set.of(bp.stages().featureVertex(), bp.stages().classifierVertex().orElseThrow()), all);
        }
        assertEquals("stage4.block2.out", ResNetBuilder.blueprint(ResNetSpec.of(Arch.RESNET50), 224, 0).stages()
                .get("stage4").endVertex());
    }

    @Test
    void optionAShortcutSubsamplesAndZeroPadsExactly() {
        ResNetSpec spec = new ResNetSpec("tiny", ResNetSpec.Stem.CIFAR, ResNetSpec.Block.BASIC, List.of(1, 1),
                List.of(4, 8), 4, List.of(1, 2), true, ResNetSpec.Shortcut.ZERO_PAD, 0);
        ComputationGraph g = graph(spec, 9);
        Map<String, INDArray> acts = g.feedForward(Nd4j.rand(DataType.FLOAT, 2, 3, 9, 9),
                false);
        // Activations are channels-last inside the graph: NCHW views for the comparison.
        INDArray x = acts.get("stage1.block0.out").permute(0, 3, 1, 2);                 // [2, 4, 9, 9]
        INDArray shortcut = acts.get("stage2.block0.shortcut").permute(0, 3, 1, 2);     // [2, 8, 5, 5]
        assertArrayEquals(new long[] {2, 8, 5, 5}, shortcut.shape());
        INDArray expected = Nd4j.zeros(DataType.FLOAT, 2, 8, 5, 5);
        expected.get(NDArrayIndex.all(), NDArrayIndex.interval(2, 6), NDArrayIndex.all(), NDArrayIndex.all())
                .assign(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 2, 9),
                        NDArrayIndex.interval(0, 2, 9)));
        assertEquals(expected, shortcut, "x[:, :, ::2, ::2] padded with 2 zero channels on each side");
        assertEquals(0, Backbone.dl4jParameterCount(g.getConfiguration()) - g.numParams());
    }

    @Test
    void cifarGraphSurvivesJsonAndModelSerializer() throws Exception {
        ResNetSpec spec = ResNetSpec.of(Arch.RESNET20_CIFAR);
        ComputationGraph g = new ComputationGraph(ResNetBuilder.blueprint(spec, 32, 3).configuration());
        g.init();
        // DL4J M2.1's JSON reader derives BatchNorm's useLogStd from the parameters an initialised graph
        // registered; the configuration of an initialised graph round-trips (a fresh one comes back with true).
        ComputationGraphConfiguration conf = g.getConfiguration();
        assertEquals(conf.toJson(), ComputationGraphConfiguration.fromJson(conf.toJson()).toJson());
        File zip = dir.resolve("c20.zip").toFile();
        ModelSerializer.writeModel(g, zip, false);
        ComputationGraph back = ModelSerializer.restoreComputationGraph(zip, false);
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32);
        assertEquals(g.outputSingle(false, x), back.outputSingle(false, x));
        assertTrue(back.getLayer("stem.bn").paramTable().containsKey("var"), "variance, not log10 stdev");
    }
}
