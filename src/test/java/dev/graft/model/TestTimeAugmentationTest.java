package dev.graft.model;

import dev.graft.backbone.Backbone;
import dev.graft.backbone.InputSpec;
import dev.graft.backbone.ResNetBuilder;
import dev.graft.backbone.ResNetSpec;
import dev.graft.config.EvaluationConfig.Tta;
import dev.graft.config.HeadConfig;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 18's test-time augmentation: the mean of the manual views, invariant to the flips it averages over. */
class TestTimeAugmentationTest {
    private static final int SIZE = 16;
    private static ComputationGraph model;
    private static INDArray x;

    /** A tiny CIFAR ResNet with a trained-away-from-init head, so flipped images give different outputs. */
    @BeforeAll
    static void tinyModel() {
        ResNetSpec spec = new ResNetSpec("tiny-basic", ResNetSpec.Stem.CIFAR, ResNetSpec.Block.BASIC,
                List.of(1, 1), List.of(4, 8), 4, List.of(1, 2), true, ResNetSpec.Shortcut.ZERO_PAD, 10);
        ResNetBuilder.Blueprint blueprint = ResNetBuilder.blueprint(spec, SIZE, 3);
        ComputationGraph graph = new ComputationGraph(blueprint.configuration());
        graph.init();
        Backbone backbone = new Backbone(spec, InputSpec.cifar(), graph, blueprint.stages(), List.of());
        HeadSpec head = new HeadSpec(new HeadConfig(List.of(), HeadConfig.Activation.RELU, 0.0, true), 3, null);
        model = ModelAssembler.assemble(backbone, head, List.of(), ModelAssemblerTest.sgd(0.05, Map.of()), 3);
        DataSet batch = ModelAssemblerTest.batch(SIZE, 21);
        for (int i = 0; i < 3; i++) {
            model.fit(batch);
        }
        x = ModelAssemblerTest.batch(SIZE, 22).getFeatures();
    }

    private static float[][] predict(INDArray input) {
        return model.outputSingle(false, input).toFloatMatrix();
    }

    @Test
    void hflipIsTheMeanOfTheTwoManualPredictions() {
        TestTimeAugmentation tta = TestTimeAugmentation.of(List.of(Tta.HFLIP));
        assertEquals(List.of("identity", "hflip"), tta.viewNames());
        float[][] plain = predict(x);
        float[][] mirrored = predict(manualHflip(x));
        float[][] averaged = TestTimeAugmentation.mean(tta.outputs(m -> model.outputSingle(false, m), x));
        boolean differs = false;
        for (int i = 0; i < plain.length; i++) {
            for (int c = 0; c < plain[i].length; c++) {
                assertEquals((plain[i][c] + mirrored[i][c]) / 2, averaged[i][c], 1e-6);
                differs |= Math.abs(plain[i][c] - mirrored[i][c]) > 1e-4;
            }
        }
        assertTrue(differs, "the model is not flip-invariant by itself, so the test can tell the views apart");
    }

    @Test
    void theAverageIsTheSameForAFlippedInput() {
        for (List<Tta> flips : List.of(List.of(Tta.HFLIP), List.of(Tta.VFLIP), List.of(Tta.HFLIP, Tta.VFLIP))) {
            TestTimeAugmentation tta = TestTimeAugmentation.of(flips);
            float[][] original = TestTimeAugmentation.mean(tta.outputs(m -> model.outputSingle(false, m), x));
            for (int v = 1; v < tta.viewCount(); v++) {
                INDArray flipped = tta.view(v, x);
                float[][] again = TestTimeAugmentation.mean(tta.outputs(m -> model.outputSingle(false, m), flipped));
                for (int i = 0; i < original.length; i++) {
                    assertArrayEquals(original[i], again[i], 1e-6f, flips + ", input " + tta.viewNames().get(v));
                }
            }
        }
        assertEquals(4, TestTimeAugmentation.of(List.of(Tta.HFLIP, Tta.VFLIP)).viewCount());
    }

    @Test
    void planarFlipsMoveEveryPixelWhereTheyShould() {
        TestTimeAugmentation tta = TestTimeAugmentation.of(List.of(Tta.HFLIP, Tta.VFLIP));
        float[] image = new float[2 * 2 * 3]; // one image, 2 channels, 2 rows, 3 columns
        for (int i = 0; i < image.length; i++) {
            image[i] = i;
        }
        assertArrayEquals(image, tta.view(0, image, 1, 2, 2, 3));
        assertArrayEquals(new float[] {2, 1, 0, 5, 4, 3, 8, 7, 6, 11, 10, 9}, tta.view(1, image, 1, 2, 2, 3));
        assertArrayEquals(new float[] {3, 4, 5, 0, 1, 2, 9, 10, 11, 6, 7, 8}, tta.view(2, image, 1, 2, 2, 3));
        assertArrayEquals(new float[] {5, 4, 3, 2, 1, 0, 11, 10, 9, 8, 7, 6}, tta.view(3, image, 1, 2, 2, 3));
        assertFalse(TestTimeAugmentation.none().enabled());
    }

    /** Left-right mirror written independently of the class under test: column w-1-j of every row. */
    private static INDArray manualHflip(INDArray nchw) {
        INDArray out = nchw.dup();
        long w = nchw.size(3);
        for (long j = 0; j < w; j++) {
            out.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(j))
                    .assign(nchw.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                            org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                            org.nd4j.linalg.indexing.NDArrayIndex.point(w - 1 - j)));
        }
        return out;
    }
}
