package dev.graft.train;

import dev.graft.backbone.BackboneLoader;
import dev.graft.config.ConfigLoader;
import dev.graft.config.ExperimentConfig;
import dev.graft.run.Provenance;
import dev.graft.run.RunDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real CIFAR ResNet-20 checkpoint from ../shared fine-tuned on the real ants/bees photos at 32 px.
 * Skips when ../shared is absent.
 */
class SharedDatasetTrainingTest {
    private static final Path SHARED = Path.of("..", "shared").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void fineTunesRealCifarResNet20OnHymenoptera() throws IOException {
        Path data = SHARED.resolve("datasets/hymenoptera");
        assumeTrue(Files.isDirectory(data) && Files.isDirectory(SHARED.resolve("weights/cifar10")),
                "../shared (hymenoptera, CIFAR weights) absent: skipped");
        Path weights;
        try (Stream<Path> files = Files.list(SHARED.resolve("weights/cifar10"))) {
            weights = files.filter(p -> p.getFileName().toString().startsWith("resnet20-")).findFirst().orElse(null);
        }
        assumeTrue(weights != null, "../shared/weights/cifar10/resnet20-*.th absent: skipped");
        Path file = dir.resolve("hymenoptera.yaml");
        Files.writeString(file, """
                name: hymenoptera-cifar20
                backbone: {arch: resnet20_cifar, weights: %s, freeze: [stem, stage1]}
                data:
                  train: %s/train
                  val: %s/val
                  image_size: 32
                  augment: [hflip]
                train:
                  epochs: 2
                  batch_size: 32
                  optimizer: {type: adamw, lr: 1.0e-3}
                """.formatted(weights, data, data));
        ExperimentConfig config = new ConfigLoader().load(file);
        TrainResult result;
        try (RunDirectory run = RunDirectory.create(dir.resolve("experiments"), config,
                Provenance.collect("test", config.seed(), "test", Map.of()), LocalDateTime.now())) {
            result = new Trainer(config, run, new StopSignal(), BackboneLoader.standard()).train(null);
        }
        assertEquals(TrainResult.Status.COMPLETED, result.status(), result.message());
        assertEquals(2, result.history().size());
        assertEquals(244, result.history().get(0).trainImages(), "123 ants + 121 bees (the GIF is skipped)");
        for (String artefact : List.of("metrics.csv", "metrics.json", "report.html", "data-report.json",
                "confusion-best.csv", "plots/loss.png", "checkpoints/last.zip", "checkpoints/best.zip")) {
            assertTrue(Files.size(result.runDirectory().resolve(artefact)) > 0, artefact);
        }
        assertTrue(Files.readString(result.runDirectory().resolve("data-report.json")).contains("imageNotFound.gif"));
    }
}
