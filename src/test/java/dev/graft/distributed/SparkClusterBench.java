package dev.graft.distributed;

import dev.graft.config.ExperimentConfig;
import dev.graft.testing.ColourFolders;
import dev.graft.train.EpochRecord;
import dev.graft.train.StopSignal;
import dev.graft.train.TrainResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Training speed on a standalone cluster of 1 and of 2 one-core workers ({@link StandaloneCluster}), printed, not
 * asserted. Runs only with {@code -Dgraft.bench.cluster=true} ({@code bench/spark-cluster.sh speed}).
 * {@code -Dgraft.bench.threads=N} gives each executor N OpenMP threads (default 1: a 1-core worker's executor
 * computes on one core).
 */
@EnabledIfSystemProperty(named = "graft.bench.cluster", matches = "true")
class SparkClusterBench {
    private static final int EPOCHS = 4;

    @TempDir
    Path dir;

    @Test
    void imagesPerSecondWithOneAndTwoWorkers() throws Exception {
        ColourFolders.colourFolders(dir.resolve("colours"), 96, 64, 11);
        String threads = System.getProperty("graft.bench.threads", "1");
        StringBuilder table = new StringBuilder();
        // For scale: the same run without Spark, in this JVM (ND4J's default threads: one per core).
        ExperimentConfig inProcess = TinyRuns.config(dir, "bench-in-process", EPOCHS, "data.image_size=64",
                "train.batch_size=32");
        TrainResult alone = TinyRuns.train(dir, inProcess, new StopSignal());
        assertEquals(TrainResult.Status.COMPLETED, alone.status(), alone.message());
        table.append(String.format(Locale.ROOT, "in-process, no Spark, %d threads: %.1f img/s%n",
                Runtime.getRuntime().availableProcessors(), warmImagesPerSecond(alone.history())));
        for (int workers = 1; workers <= 2; workers++) {
            try (StandaloneCluster cluster = StandaloneCluster.start(dir.resolve("cluster-" + workers), workers,
                    "1g")) {
                ExperimentConfig config = TinyRuns.config(dir, "bench-" + workers, EPOCHS,
                        "data.image_size=64", "train.batch_size=32", "train.distributed.engine=spark",
                        "train.distributed.master=\"" + cluster.masterUrl() + "\"",
                        "train.distributed.workers=" + workers, "train.distributed.averaging_frequency=5");
                TrainResult result = cluster.asDriver(Map.of("spark.executorEnv.OMP_NUM_THREADS", threads),
                        () -> TinyRuns.train(dir, config, new StopSignal()));
                assertEquals(TrainResult.Status.COMPLETED, result.status(), result.message());
                table.append(row(workers, threads, result.history()));
            }
        }
        System.out.print("Spark standalone cluster, CIFAR ResNet-20, 216 training images of 64 px per epoch, batch 32,"
                + " averaging every 5 batches; epoch 1 (executors starting) left out\n" + table);
    }

    /** Images per second of epochs 2.. (training only, validation excluded), and of epoch 1. */
    private static String row(int workers, String threads, List<EpochRecord> history) {
        return String.format(Locale.ROOT, "%d worker(s) x 1 core, %s OpenMP thread(s) per executor: %.1f img/s "
                + "(epoch 1: %.1f img/s)%n", workers, threads, warmImagesPerSecond(history),
                history.get(0).imagesPerSecond());
    }

    /** Training images per second over epochs 2.. (epoch 1 includes starting executors and JIT warm-up). */
    private static double warmImagesPerSecond(List<EpochRecord> history) {
        List<EpochRecord> warm = history.subList(1, history.size());
        double images = warm.stream().mapToLong(EpochRecord::trainImages).sum();
        double seconds = warm.stream().mapToDouble(r -> r.trainImages() / r.imagesPerSecond()).sum();
        return images / seconds;
    }
}
