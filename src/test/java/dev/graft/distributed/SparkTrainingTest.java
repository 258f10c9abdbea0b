package dev.graft.distributed;

import dev.graft.config.ExperimentConfig;
import dev.graft.testing.ColourFolders;
import dev.graft.train.Checkpoints;
import dev.graft.train.StopSignal;
import dev.graft.train.TrainResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real Spark on {@code local[2]} (DL4J's SparkComputationGraph with parameter averaging): the same tiny experiment
 * as a single-process run, with a {@code distributed} block added, learns as well and writes the same run folder.
 */
class SparkTrainingTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void makeData() {
        ColourFolders.colourFolders(dir.resolve("colours"), 32, 24, 7);
    }

    @Test
    void sparkLocalTrainsLikeTheSingleProcessRun() throws Exception {
        // 8 images per worker and step (BatchNorm statistics are too noisy with fewer); no dropout, so both runs
        // are deterministic (two workers' averages do not depend on the order Spark adds them in).
        ExperimentConfig local = TinyRuns.config(dir, "local", 4, "train.batch_size=16", "head.dropout=0");
        TrainResult single = TinyRuns.train(dir, local, new StopSignal());

        ExperimentConfig spark = TinyRuns.config(dir, "spark", 4, "train.batch_size=16", "head.dropout=0",
                "train.distributed.engine=spark",
                "train.distributed.master=local[2]", "train.distributed.workers=2",
                "train.distributed.averaging_frequency=1");
        TrainResult result = TinyRuns.train(dir, spark, new StopSignal());

        assertEquals(TrainResult.Status.COMPLETED, result.status(), result.message());
        double sparkBest = TinyRuns.bestValTop1(result);
        double singleBest = TinyRuns.bestValTop1(single);
        assertTrue(sparkBest >= 0.75, "3 colours (chance 0.33): Spark's best val top-1 " + sparkBest);
        assertTrue(sparkBest >= singleBest - 0.15, "Spark " + sparkBest + " vs single process " + singleBest);
        TinyRuns.assertRunFolder(result, 4, 72);
        Checkpoints.Loaded last = Checkpoints.read(result.runDirectory().resolve("checkpoints/last.zip"));
        assertEquals(4 * 5, last.model().getIterationCount(), "one step per batch, as in-process");
        assertTrue(Files.readString(result.runDirectory().resolve("config.yaml")).contains("engine: spark"));
    }

    @Test
    void stopsAfterTheRoundAndResumesFromThere() throws Exception {
        ExperimentConfig config = TinyRuns.config(dir, "spark-stop", 1, "train.batch_size=16",
                "train.distributed.engine=spark", "train.distributed.workers=2",
                "train.distributed.averaging_frequency=2");
        TrainResult stopped = TinyRuns.train(dir, config, StopSignal.afterBatches(1));
        assertEquals(TrainResult.Status.INTERRUPTED, stopped.status(), stopped.message());
        Path run = stopped.runDirectory();
        Checkpoints.Loaded last = Checkpoints.read(run.resolve("checkpoints/last.zip"));
        assertEquals(2, last.state().batchesDone(), "a round is two batches: it ends after the second");
        assertEquals(2, last.model().getIterationCount());

        TrainResult resumed = TinyRuns.resume(config, run);
        assertEquals(TrainResult.Status.COMPLETED, resumed.status(), resumed.message());
        assertEquals(72, resumed.history().get(0).trainImages(), "the resumed epoch counts all its images");
        assertEquals(5, Checkpoints.read(run.resolve("checkpoints/last.zip")).model().getIterationCount());
    }
}
