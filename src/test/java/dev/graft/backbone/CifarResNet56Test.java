package dev.graft.backbone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.config.Arch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real pretrained CIFAR-10 ResNet-56 of {@code ../shared} (legacy torch.save, option-A shortcuts) against the
 * logits PyTorch recorded on six real photos. Skips where {@code ../shared} is absent.
 */
class CifarResNet56Test {
    @TempDir
    Path store;

    JsonNode reference;
    Backbone backbone;

    @BeforeEach
    void load() throws IOException {
        reference = new ObjectMapper().readTree(TorchFixtures.DIR.resolve("cifar_resnet56_real.json").toFile());
        Path weights = TorchFixtures.SHARED.resolve(reference.path("weights").asText());
        assumeTrue(Files.isRegularFile(weights), "../shared is absent: skipping the real ResNet-56 check");
        backbone = TorchFixtures.loader(store).load(Arch.RESNET56_CIFAR, weights.toString());
    }

    @Test
    void logitsOnPyTorchsInputMatch() throws IOException {
        INDArray input = TorchFixtures.array(reference.path("input").asText());
        INDArray expected = TorchFixtures.array(reference.path("logits").asText());
        double error = TorchFixtures.relativeError(backbone.logits(input), expected);
        System.out.printf("ResNet-56 on PyTorch's input tensor: max|diff| / max|logit| = %.2e%n", error);
        assertTrue(error <= reference.path("tolerance_rel").asDouble(), "relative error " + error);
    }

    @Test
    void graftsOwnPreprocessingOfThePhotosGivesPyTorchsClasses() throws IOException {
        List<Path> photos = new ArrayList<>();
        reference.path("images").forEach(i -> photos.add(TorchFixtures.SHARED.resolve(i.path("path").asText())));
        INDArray input = new ReferencePreprocessor(backbone.input()).batch(photos);
        INDArray expectedInput = TorchFixtures.array(reference.path("input").asText());
        double inputError = input.sub(expectedInput).amaxNumber().doubleValue();
        INDArray logits = backbone.logits(input);
        List<String> labels = ClassLabels.cifar10();
        for (int i = 0; i < photos.size(); i++) {
            Prediction top = Prediction.topK(logits.getRow(i).toFloatVector(), labels, 1).get(0);
            JsonNode expected = reference.path("images").get(i);
            assertEquals(expected.path("top1").asText(), top.label(), photos.get(i).toString());
            assertEquals(expected.path("top1_prob").asDouble(), top.probability(), 1e-2, photos.get(i).toString());
        }
        double logitError = TorchFixtures.relativeError(logits, TorchFixtures.array(reference.path("logits").asText()));
        System.out.printf("ResNet-56 from the photo files: max|input diff| = %.2e, logits relative %.2e%n",
                inputError, logitError);
        // Pillow's resize is reproduced exactly; JPEG decoders may differ by a level here and there.
        assertTrue(inputError <= 2 / 255.0 / 0.224, "input differs from PyTorch's by " + inputError);
    }
}
