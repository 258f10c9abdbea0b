package dev.graft.backbone;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every checkpoint of every fixture in the manifest, loaded through {@link BackboneLoader} exactly as a user's
 * file would be, must reproduce PyTorch's logits and intermediate activations (stem, stage1) within the
 * manifest's relative tolerance: torchvision layout in zip and legacy formats, the Hugging Face safetensors
 * folders (architecture read from config.json) and the CIFAR ResNet-20 with option-A shortcuts.
 */
class TorchGoldenTest {
    @TempDir
    Path store;

    @TestFactory
    List<DynamicTest> everyFixtureMatchesPyTorch() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode fixture : TorchFixtures.manifest().path("fixtures")) {
            if (fixture.path("requires_shared").asBoolean(false)) {
                continue; // CifarResNet56Test
            }
            for (JsonNode checkpoint : fixture.path("checkpoints")) {
                String format = checkpoint.path("format").asText();
                String file = checkpoint.has("file") ? checkpoint.path("file").asText()
                        : Path.of(checkpoint.path("files").get(0).asText()).getParent().toString();
                tests.add(DynamicTest.dynamicTest(fixture.path("name").asText() + " " + format + " " + file,
                        () -> check(fixture, file, format)));
            }
        }
        assertTrue(tests.size() >= 7, "fixtures found: " + tests.size());
        return tests;
    }

    private void check(JsonNode fixture, String file, String format) throws IOException {
        boolean hf = format.startsWith("hf");
        // A Hugging Face folder describes its own architecture; the others get the manifest's.
        ResNetSpec spec = hf ? null : TorchFixtures.spec(fixture);
        Backbone backbone = TorchFixtures.loader(store).load(spec, TorchFixtures.DIR.resolve(file),
                InputSpec.forStem(hf ? ResNetSpec.Stem.IMAGENET : spec.stem()));
        double tolerance = fixture.path("tolerance_rel").asDouble();
        INDArray input = TorchFixtures.array(fixture.path("input").asText());
        Map<String, INDArray> acts = backbone.activations(input);
        INDArray expectedLogits = TorchFixtures.array(fixture.path("logits").asText());
        INDArray logits = acts.get(VertexNames.CLASSIFIER);
        assertArrayEquals(expectedLogits.shape(), logits.shape());
        double error = TorchFixtures.relativeError(logits, expectedLogits);
        System.out.printf("%s (%s): logits max|diff| / max|logit| = %.2e%n", file, format, error);
        assertTrue(error <= tolerance, file + ": logits differ by " + error + " (relative)");
        for (var e : fixture.path("intermediates").properties()) {
            INDArray expected = TorchFixtures.array(e.getValue().asText());
            INDArray actual = acts.get(backbone.stages().get(e.getKey()).endVertex());
            assertArrayEquals(expected.shape(), actual.shape(), e.getKey());
            double err = TorchFixtures.relativeError(actual, expected);
            assertTrue(err <= tolerance, file + ": " + e.getKey() + " differs by " + err + " (relative)");
        }
    }
}
