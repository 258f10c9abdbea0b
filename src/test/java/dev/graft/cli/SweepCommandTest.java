package dev.graft.cli;

import dev.graft.testing.ColourFolders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code graft validate} on sweep files and {@code graft sweep} as a user runs it. */
class SweepCommandTest {
    @TempDir
    Path dir;



    @Test
    void validatePrintsTheExampleSweepAndItsBase() {
        CliRun r = CliRun.of("validate", "--config", "configs/quickstart-sweep.yaml");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("# sweep configs/quickstart-sweep.yaml (resolved; 6 trials)"), r.out());
        assertTrue(r.out().contains("train.optimizer.lr:") && r.out().contains("log_uniform:"), r.out());
        assertTrue(r.out().contains("# base experiment ") && r.out().contains("name: quickstart"), r.out());
    }

    @Test
    void validateListsEveryProblemOfASweepWithItsPath() throws IOException {
        Files.writeString(dir.resolve("bad-sweep.yaml"), """
                base: %s
                strategy: gridd
                space:
                  train.optimiser.lr: {log_uniform: [1.0e-5, 1.0e-2]}
                  head.dropout: {choice: [0.1, 2]}
                """.formatted(Path.of("configs/quickstart.yaml").toAbsolutePath()));
        CliRun r = CliRun.of("validate", "--config", dir.resolve("bad-sweep.yaml").toString());
        assertEquals(2, r.code(), r.out());
        assertTrue(r.err().contains("3 problems in "), r.err());
        assertTrue(r.err().contains("strategy: unknown 'gridd' (did you mean 'grid'? one of random, grid)"), r.err());
        assertTrue(r.err().contains("space.train.optimiser.lr: unknown config key 'optimiser' in train (did you "
                + "mean 'train.optimizer'?"), r.err());
        assertTrue(r.err().contains("space.head.dropout.choice[1]: head.dropout: must be in [0, 1) (was 2)"),
                r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void aBadOrUnreachableSparkMasterStopsTheSweepBeforeItsFolderExists() throws IOException {
        Path runs = dir.resolve("runs");
        CliRun bad = CliRun.of("sweep", "--config", "configs/quickstart-sweep.yaml", "--spark-master", "local[two]",
                "--runs-dir", runs.toString());
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("--spark-master: 'local[two]' is not a Spark master URL"), bad.err());
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        String master = "spark://127.0.0.1:" + port;
        CliRun unreachable = CliRun.of("sweep", "--config", "configs/quickstart-sweep.yaml", "--spark-master", master,
                "--runs-dir", runs.toString());
        assertEquals(2, unreachable.code(), unreachable.err());
        assertTrue(unreachable.err().contains("cannot reach the Spark master " + master), unreachable.err());
        for (CliRun r : List.of(bad, unreachable)) {
            assertFalse(r.err().contains("\tat ") || r.out().contains("\tat "), "no stack trace: " + r.err());
        }
        assertFalse(Files.exists(runs), "no sweep folder");
    }

    @Test
    void sweepRunsPrintsTheRankingAndResumesWithNothingLeft() throws IOException {
        writeOneTrialSweep();
        Path runs = dir.resolve("runs");
        CliRun r = CliRun.of("sweep", "--config", dir.resolve("one.yaml").toString(), "--runs-dir", runs.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("rank  trial  train.optimizer.lr  train_loss  status     time"), r.out());
        assertTrue(r.out().contains("best: trial 1, train_loss "), r.out());
        Path sweepDir;
        try (Stream<Path> dirs = Files.list(runs.resolve("one"))) {
            sweepDir = dirs.findFirst().orElseThrow();
        }
        assertTrue(Files.isRegularFile(sweepDir.resolve("best.yaml")));

        CliRun again = CliRun.of("sweep", "--resume", sweepDir.toString());
        assertEquals(0, again.code(), again.err());
        assertFalse(again.err().contains("trial 1/1:"), "nothing runs again: " + again.err());
        assertTrue(again.out().contains("best: trial 1"), again.out());
    }

    /** A one-trial grid over a tiny frozen ResNet-20 on 16 px colour images. */
    private void writeOneTrialSweep() throws IOException {
        ColourFolders.colourFolders(dir.resolve("colours"), 8, 16, 3);
        Files.writeString(dir.resolve("base.yaml"), """
                backbone: {arch: resnet20_cifar, weights: none, freeze: all}
                data: {root: colours, split: {val: 0.25}, image_size: 16, workers: 1}
                train: {epochs: 5, batch_size: 9, schedule: {type: constant}}
                """);
        Files.writeString(dir.resolve("one.yaml"), """
                base: base.yaml
                objective: {metric: train_loss}
                strategy: grid
                budget: {epochs_per_trial: 1}
                space:
                  train.optimizer.lr: {choice: [0.01]}
                """);
    }

    @Test
    void sparkMasterRunsTheTrialsAsSparkTasks() throws IOException {
        writeOneTrialSweep();
        Path runs = dir.resolve("runs");
        CliRun r = CliRun.of("sweep", "--config", dir.resolve("one.yaml").toString(), "--spark-master", "local[2]",
                "--runs-dir", runs.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("best: trial 1, train_loss "), r.out());
        try (Stream<Path> logs = Files.walk(runs)) {
            Path log = logs.filter(p -> p.endsWith("train.log")).findFirst().orElseThrow();
            assertTrue(Files.readString(log).contains("trial 1 trains in Spark task "), Files.readString(log));
        }
    }
}
