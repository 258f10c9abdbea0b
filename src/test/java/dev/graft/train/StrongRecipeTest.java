package dev.graft.train;

import dev.graft.config.ExperimentConfig;
import dev.graft.run.RunDirectory;
import dev.graft.testing.ColourFolders;
import dev.graft.testing.TinyExperiments;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 21's recipe end to end on the tiny colour folders (CIFAR ResNet-20 from scratch, 24 px): Mixup + CutMix,
 * RandAugment, TrivialAugment, random erasing and the focal loss train, learn, and resume mid-epoch to the same
 * epochs as an uninterrupted run (the mix is seeded by epoch and batch).
 */
class StrongRecipeTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void makeData() {
        ColourFolders.colourFolders(dir.resolve("colours"), 16, 24, 7);
    }

    private static ExperimentConfig config(String name) throws IOException {
        return TinyExperiments.config(dir, name, 3,
                "data.augment=[hflip, {randaugment: {n: 2, m: 9}}, trivialaugment, {random_erasing: 0.25}]",
                "data.mix={mixup: 0.4, cutmix: 1.0, prob: 0.8}", "train.loss={focal: {gamma: 2}}");
    }

    @Test
    void theStrongRecipeLearnsAndResumesToTheSameEpochs() throws IOException {
        ExperimentConfig config = config("strong");
        TrainResult whole;
        try (RunDirectory run = TestRuns.newRun(dir, config)) {
            whole = TestRuns.train(config, new StopSignal(), null, run);
        }
        assertEquals(TrainResult.Status.COMPLETED, whole.status());
        // Colour ops and mixing make the colour classes hard on purpose; it still learns within 3 short epochs.
        double best = whole.history().stream().mapToDouble(EpochRecord::valTop1).max().orElseThrow();
        assertTrue(best >= 0.5, "3 colours (chance 0.33), 12 val images: best val top-1 " + best);
        assertTrue(whole.history().get(2).trainLoss() < 0.7 * whole.history().get(0).trainLoss(),
                "the training loss falls");

        Path runPath;
        try (RunDirectory run = TestRuns.newRun(dir, config)) {
            runPath = run.path();
            TrainResult first = TestRuns.train(config, StopSignal.afterBatches(7), null, run); // mid-epoch 2
            assertEquals(TrainResult.Status.INTERRUPTED, first.status());
        }
        TrainResult resumed;
        try (RunDirectory run = RunDirectory.open(runPath)) {
            resumed = TestRuns.train(config, new StopSignal(), runPath.resolve("checkpoints/last.zip"), run);
        }
        assertEquals(whole.history().size(), resumed.history().size());
        for (int i = 0; i < whole.history().size(); i++) {
            EpochRecord a = whole.history().get(i);
            EpochRecord b = resumed.history().get(i);
            assertEquals(a.trainLoss(), b.trainLoss(), 1e-5, "train loss, epoch " + a.epoch());
            assertEquals(a.trainTop1(), b.trainTop1(), 1e-9, "train top-1 (dominant label), epoch " + a.epoch());
            assertEquals(a.valLoss(), b.valLoss(), 1e-5, "val loss, epoch " + a.epoch());
        }
    }
}
