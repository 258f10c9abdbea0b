package dev.graft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code graft backbones} and {@code graft classify} as a user runs them. */
class BackboneCommandsTest {
    static final Path FIXTURES = Path.of("src", "test", "resources", "fixtures", "torch");

    @TempDir
    Path dir;



    private Path image() throws IOException {
        BufferedImage img = new BufferedImage(80, 60, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 60; y++) {
            for (int x = 0; x < 80; x++) {
                img.setRGB(x, y, (x * 3) << 16 | (y * 4) << 8 | (x + y));
            }
        }
        Path file = dir.resolve("img.png");
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    @Test
    void backbonesListsSizesStagesAndWeights() {
        CliRun r = CliRun.of("backbones");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("resnet50 ") && r.out().contains("25,557,032 parameters"), r.out());
        assertTrue(r.out().contains("stage4   ends at stage4.block2.out"), r.out());
        assertTrue(r.out().contains("64 channels, 1/4 resolution,       9,536 parameters"), "stem's: " + r.out());
        assertTrue(r.out().contains("https://download.pytorch.org/models/resnet50-11ad3fa6.pth"), r.out());
        assertTrue(r.out().contains("resnet56_cifar") && r.out().contains("853,018 parameters"), r.out());
    }

    @Test
    void classifyWithAHuggingFaceFolderGivesJsonTopK() throws IOException {
        CliRun r = CliRun.of("classify", "--weights", FIXTURES.resolve("basic_hf").toString(), "--top", "3", "--json",
                "--all-logits", "--no-cache", image().toString());
        assertEquals(0, r.code(), r.err());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        JsonNode top = doc.path("images").get(0).path("top");
        assertEquals(3, top.size());
        assertEquals(1, top.get(0).path("rank").asInt());
        assertTrue(top.get(0).path("probability").asDouble() >= top.get(1).path("probability").asDouble());
        assertEquals(10, doc.path("images").get(0).path("logits").size());
        assertFalse(top.get(0).path("label").asText().startsWith("class "), "labels from id2label");
    }

    @Test
    void classifyPrintsReadableText() throws IOException {
        CliRun r = CliRun.of("classify", "--arch", "resnet20_cifar", "--weights", FIXTURES.resolve("cifar_resnet20.th")
                .toString(), "--no-cache", image().toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("  1. ") && r.out().contains("  5. "), r.out());
    }

    @Test
    void badWeightsAreAClearErrorWithoutStackTrace() throws IOException {
        Path text = Files.writeString(dir.resolve("weights.pth"), "not weights");
        CliRun r = CliRun.of("classify", "--arch", "resnet18", "--weights", text.toString(), image().toString());
        assertEquals(2, r.code(), "a bad weights file is bad input: " + r.err());
        assertTrue(r.err().contains("error: ") && r.err().contains("not a PyTorch checkpoint"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        CliRun arch = CliRun.of("classify", "--arch", "resnet51", "--weights", "imagenet", "x.png");
        assertEquals(2, arch.code());
        assertTrue(arch.err().contains("resnet50"), arch.err());
    }
}
