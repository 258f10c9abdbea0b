package dev.graft.distributed;

import dev.graft.config.ExperimentConfig;
import dev.graft.testing.ColourFolders;
import dev.graft.train.Checkpoints;
import dev.graft.train.StopSignal;
import dev.graft.train.TrainResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code train.devices: 2}: two ParallelWrapper workers on the CPU train, checkpoint, stop and resume. */
class ParallelWrapperTrainingTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void makeData() {
        ColourFolders.colourFolders(dir.resolve("colours"), 32, 24, 7);
    }

    @Test
    void twoWorkersLearnAndWriteTheRunFolder() throws Exception {
        // 8 images per worker and step (BatchNorm statistics are too noisy with fewer); no dropout, so the run is
        // deterministic (an average of two workers does not depend on which finished first).
        ExperimentConfig config = TinyRuns.config(dir, "devices", 4, "train.devices=2", "train.batch_size=16",
                "head.dropout=0", "train.distributed.averaging_frequency=1");
        TrainResult result = TinyRuns.train(dir, config, new StopSignal());
        assertEquals(TrainResult.Status.COMPLETED, result.status(), result.message());
        double best = TinyRuns.bestValTop1(result);
        assertTrue(best >= 0.75, "3 colours (chance 0.33): best val top-1 " + best);
        TinyRuns.assertRunFolder(result, 4, 72);
        Checkpoints.Loaded last = Checkpoints.read(result.runDirectory().resolve("checkpoints/last.zip"));
        assertEquals(4, last.state().completedEpochs());
        assertEquals(4 * 5, last.model().getIterationCount(), "one step per batch: 5 batches x 4 epochs");
    }

    /** data.mix (issue 21): ParallelWrapper splits the mixed batch over its workers; soft targets are scored. */
    @Test
    void twoWorkersTrainOnMixedBatches() throws Exception {
        ExperimentConfig config = TinyRuns.config(dir, "devices-mix", 1, "train.devices=2", "train.batch_size=16",
                "head.dropout=0", "data.mix={mixup: 0.4, cutmix: 1.0}");
        TrainResult result = TinyRuns.train(dir, config, new StopSignal());
        assertEquals(TrainResult.Status.COMPLETED, result.status(), result.message());
        TinyRuns.assertRunFolder(result, 1, 72);
        double loss = result.history().get(0).trainLoss();
        assertTrue(Double.isFinite(loss) && loss > 0, "train loss on soft targets " + loss);
    }

    @Test
    void stopsAtAnAveragingAndResumesFromThere() throws Exception {
        ExperimentConfig config = TinyRuns.config(dir, "devices-stop", 2, "train.devices=2", "train.batch_size=16",
                "train.distributed.averaging_frequency=2");
        TrainResult stopped = TinyRuns.train(dir, config, StopSignal.afterBatches(3));
        assertEquals(TrainResult.Status.INTERRUPTED, stopped.status(), stopped.message());
        Path run = stopped.runDirectory();
        Checkpoints.Loaded last = Checkpoints.read(run.resolve("checkpoints/last.zip"));
        assertEquals(0, last.state().completedEpochs());
        assertEquals(4, last.state().batchesDone(), "asked after batch 3, stopped at the averaging after batch 4");
        assertTrue(stopped.message().contains("graft train --resume " + run), stopped.message());

        TrainResult resumed = TinyRuns.resume(config, run);
        assertEquals(TrainResult.Status.COMPLETED, resumed.status(), resumed.message());
        assertEquals(2, resumed.history().size());
        assertEquals(72, resumed.history().get(0).trainImages(), "the resumed epoch counts all its images");
    }
}
