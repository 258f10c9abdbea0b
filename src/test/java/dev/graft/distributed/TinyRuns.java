package dev.graft.distributed;

import dev.graft.backbone.BackboneLoader;
import dev.graft.config.ExperimentConfig;
import dev.graft.testing.TinyExperiments;
import dev.graft.run.Provenance;
import dev.graft.run.RunDirectory;
import dev.graft.train.EpochRecord;
import dev.graft.train.StopSignal;
import dev.graft.train.TrainResult;
import dev.graft.train.Trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tiny experiments on {@code ColourFolders} (CIFAR ResNet-20 from scratch, 24 px), run as graft train does. */
final class TinyRuns {
    private TinyRuns() {
    }

    static ExperimentConfig config(Path dir, String name, int epochs, String... overrides) throws IOException {
        return TinyExperiments.config(dir, name, epochs, overrides);
    }

    static TrainResult train(Path dir, ExperimentConfig config, StopSignal stop) {
        try (RunDirectory run = RunDirectory.create(dir.resolve("experiments"), config,
                Provenance.collect("test", config.seed(), "test", Map.of()), LocalDateTime.now())) {
            return new Trainer(config, run, stop, BackboneLoader.standard(), DistributedTraining.fitters()).train(null);
        }
    }

    static TrainResult resume(ExperimentConfig config, Path runDir) {
        try (RunDirectory run = RunDirectory.open(runDir)) {
            return new Trainer(config, run, new StopSignal(), BackboneLoader.standard(), DistributedTraining.fitters())
                    .train(runDir.resolve("checkpoints/last.zip"));
        }
    }

    static double bestValTop1(TrainResult result) {
        return result.history().stream().mapToDouble(EpochRecord::valTop1).max().orElseThrow();
    }

    /** The usual run folder, with every epoch's training metrics counted on the workers. */
    static void assertRunFolder(TrainResult result, int epochs, long trainImages) throws IOException {
        assertRunFolder(result.runDirectory(), result.history(), epochs, trainImages);
    }

    /** As {@link #assertRunFolder(TrainResult, int, long)} for a run folder and its epochs' records. */
    static void assertRunFolder(Path run, List<EpochRecord> history, int epochs, long trainImages)
            throws IOException {
        for (String file : List.of("config.yaml", "provenance.json", "train.log", "metrics.csv", "metrics.json",
                "confusion-best.csv", "data-report.json", "report.html", "plots/loss.png",
                "checkpoints/last.zip", "checkpoints/best.zip")) {
            assertTrue(Files.size(run.resolve(file)) > 0, file);
        }
        assertEquals(epochs + 1, Files.readAllLines(run.resolve("metrics.csv")).size(), "header + one row per epoch");
        assertEquals(epochs, history.size(), "epochs recorded");
        for (EpochRecord r : history) {
            assertEquals(trainImages, r.trainImages(), "every training image counted once, epoch " + r.epoch());
            assertTrue(Double.isFinite(r.trainLoss()) && r.trainLoss() > 0, "train loss " + r.trainLoss());
            assertTrue(r.trainTop1() >= 0 && r.trainTop1() <= 1, "train top-1 " + r.trainTop1());
        }
    }
}
