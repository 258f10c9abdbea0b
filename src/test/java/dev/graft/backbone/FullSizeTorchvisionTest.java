package dev.graft.backbone;

import dev.graft.config.Arch;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Full-size torchvision ResNet-18/50 checkpoints (random weights, randomised BatchNorm statistics) written by
 * {@code tools/make_torch_fixtures.py --full /tmp/graft-full-fixtures} (too large to commit): Graft's
 * preprocessing of the 256x256 test image equals PyTorch's tensor, and the logits agree within 1e-4 relative
 * in every file format. Skips when the folder is absent.
 */
@Tag("slow")
class FullSizeTorchvisionTest {
    static final Path DIR = Path.of(System.getProperty("graft.fullFixtures", "/tmp/graft-full-fixtures"));

    @TempDir
    Path store;

    @ParameterizedTest
    @CsvSource({"resnet18, resnet18.zip.pth", "resnet18, resnet18.legacy.pth", "resnet18, resnet18_hf",
        "resnet50, resnet50.zip.pth", "resnet50, resnet50.legacy.pth", "resnet50, resnet50_hf"})
    void logitsOnTheTestImageMatchPyTorch(String arch, String file) throws IOException {
        assumeTrue(Files.exists(DIR.resolve(file)), DIR + " is absent: skipping the full-size check");
        Backbone backbone = TorchFixtures.loader(store).load(Arch.byId(arch).orElseThrow(),
                DIR.resolve(file).toString());
        INDArray input = new ReferencePreprocessor(backbone.input()).batch(List.of(DIR.resolve("test_image.png")));
        INDArray expectedInput = Npy.read(DIR.resolve("test_image.input.npy"));
        assertEquals(0.0, input.sub(expectedInput).amaxNumber().doubleValue(), 1e-6, "preprocessing");
        INDArray expected = Npy.read(DIR.resolve(arch + ".logits.npy"));
        INDArray logits = backbone.logits(input);
        double error = TorchFixtures.relativeError(logits, expected);
        System.out.printf("%s: max|diff| %.2e, relative %.2e%n", file,
                logits.sub(expected).amaxNumber().doubleValue(), error);
        assertTrue(error < 1e-4, file + ": relative error " + error);
        assertEquals(expected.argMax(1).getInt(0), logits.argMax(1).getInt(0));
    }
}
