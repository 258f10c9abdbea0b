package dev.graft.distributed;

import dev.graft.cli.GraftMain;
import dev.graft.config.ExperimentConfig;
import dev.graft.testing.ColourFolders;
import dev.graft.testing.TinyExperiments;
import dev.graft.train.Checkpoints;
import dev.graft.train.EpochRecord;
import dev.graft.train.StopSignal;
import dev.graft.train.TrainResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Graft on a real Spark standalone cluster: a master and two 1-core workers as separate JVMs on this machine
 * ({@link StandaloneCluster}), executors launched by the workers, the driver in this JVM.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SparkClusterTest {
    @TempDir
    static Path dir;
    private static StandaloneCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        ColourFolders.colourFolders(dir.resolve("colours"), 32, 24, 7);
        cluster = StandaloneCluster.start(dir.resolve("cluster"), 2, "1g");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** SparkTrainingTest's local[2] experiment: 8 images per worker and step, no dropout, averaging every step. */
    private static final List<String> EXPERIMENT = List.of("train.batch_size=16", "head.dropout=0",
            "train.distributed.workers=2", "train.distributed.averaging_frequency=1");

    @Test
    void graftTrainOnTheClusterLearnsAsOnLocal2AndWritesTheSameRunFolder() throws Exception {
        List<String> localSettings = new ArrayList<>(EXPERIMENT);
        localSettings.addAll(List.of("train.distributed.engine=spark", "train.distributed.master=local[2]"));
        ExperimentConfig local = TinyRuns.config(dir, "local2", 4, localSettings.toArray(String[]::new));
        TrainResult reference = TinyRuns.train(dir, local, new StopSignal());

        Path config = TinyExperiments.file(dir, "cluster", 4);
        Path runs = dir.resolve("cluster-runs");
        List<String> args = new ArrayList<>(List.of("train", "--config", config.toString(),
                "--spark-master", cluster.masterUrl(), "--runs-dir", runs.toString()));
        EXPERIMENT.forEach(s -> args.addAll(List.of("--set", s)));
        StringWriter err = new StringWriter();
        int code = cluster.asDriver(() -> GraftMain.run(args.toArray(String[]::new),
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true)));

        assertEquals(0, code, err + cluster.logTails());
        Path run = onlyRun(runs);
        List<EpochRecord> history = Checkpoints.read(run.resolve("checkpoints/last.zip")).state().history();
        TinyRuns.assertRunFolder(run, history, 4, 72);
        // Without dropout both runs compute the same thing (the same shares of the same batches, an average of
        // two that does not depend on the order): only float noise may differ. One val image is 1/24.
        for (int e = 0; e < 4; e++) {
            EpochRecord onCluster = history.get(e);
            EpochRecord onLocal = reference.history().get(e);
            assertEquals(onLocal.trainLoss(), onCluster.trainLoss(), 1e-3 * onLocal.trainLoss(), "train loss " + e);
            assertEquals(onLocal.valTop1(), onCluster.valTop1(), 1.0 / 24 + 1e-9, "val top-1, epoch " + (e + 1));
        }
        assertTrue(TinyRuns.bestValTop1(reference) >= 0.75, "the experiment learns: " + reference.history());
        assertTrue(Files.readString(run.resolve("provenance.json")).contains(cluster.masterUrl()));
    }

    /** The one run folder under {@code runs} ({@code runs/NAME/TIMESTAMP}). */
    private static Path onlyRun(Path runs) throws Exception {
        try (var walk = Files.walk(runs, 2)) {
            List<Path> found = walk.filter(p -> Files.isRegularFile(p.resolve("config.yaml"))).toList();
            assertEquals(1, found.size(), "run folders " + found);
            return found.get(0);
        }
    }
}
