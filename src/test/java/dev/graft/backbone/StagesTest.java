package dev.graft.backbone;

import dev.graft.config.Arch;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The stage object: where each stage is and ends, its parameters, where a frozen model splits. */
class StagesTest {
    @Test
    void stageParametersAddUpToTheBackboneWithoutItsClassifier() {
        ResNetBuilder.Blueprint bp = ResNetBuilder.blueprint(ResNetSpec.of(Arch.RESNET50), 224, 0);
        long fc = 2048L * 1000 + 1000;
        assertEquals(25_557_032L - fc, bp.stages().parameterCount());
        assertEquals(9_408 + 2 * 64, bp.stages().get("stem").parameterCount(), "7x7x3x64 conv + BN gamma/beta");
        assertEquals(List.of("stem.conv_W", "stem.bn_gamma", "stem.bn_beta", "stem.bn_mean", "stem.bn_var"),
                bp.stages().get("stem").parameterNames());
    }

    @Test
    void aFrozenPrefixSplitsAtItsLastStageOrAtThePooledFeatures() {
        Stages stages = Stages.of(Arch.RESNET50);
        assertEquals("stem.pool", stages.splitAfter(List.of("stem")));
        assertEquals("stage2.block3.out", stages.splitAfter(List.of("stem", "stage1", "stage2")));
        assertEquals("avgpool", stages.splitAfter(stages.names()), "all frozen: cache the [N, C] features");
        assertThrows(IllegalArgumentException.class, () -> stages.splitAfter(List.of()));
    }

    @Test
    void verticesBelongToTheirStageAndThePoolAndHeadToNone() {
        Stages stages = Stages.of(Arch.RESNET20_CIFAR);
        assertEquals("stage2", stages.containing("stage2.block0.shortcut").orElseThrow().name());
        assertEquals(Optional.empty(), stages.containing(stages.featureVertex()));
        assertEquals(Optional.empty(), stages.containing("head.out"));
        assertEquals(Optional.empty(), stages.classifierVertex(), "the arch's stages describe a model without fc");
    }

    @Test
    void frozenStagesAreReadFromTheFrozenLayers() {
        Stages stages = Stages.of(Arch.RESNET20_CIFAR);
        ComputationGraphConfiguration conf = ResNetBuilder.blueprint(ResNetSpec.of(Arch.RESNET20_CIFAR), 32, 0)
                .configuration();
        assertEquals(List.of(), stages.frozenIn(conf));
        for (String vertex : List.of("stem.conv", "stage1.block1.bn2")) {
            LayerVertex lv = (LayerVertex) conf.getVertices().get(vertex);
            lv.getLayerConf().setLayer(new FrozenLayer(lv.getLayerConf().getLayer()));
        }
        assertEquals(List.of("stem", "stage1"), stages.frozenIn(conf));
    }
}
