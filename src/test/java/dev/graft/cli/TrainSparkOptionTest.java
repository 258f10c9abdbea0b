package dev.graft.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code graft train --spark-master}: mistakes are usage errors (exit 2) before anything starts. */
class TrainSparkOptionTest {
    @TempDir
    Path dir;

    @Test
    void aBadMasterIsAConfigError() throws IOException {
        Files.createDirectories(dir.resolve("imgs/a"));
        Path config = dir.resolve("exp.yaml");
        Files.writeString(config, "data: {root: imgs}\n");
        CliRun r = CliRun.of("train", "--config", config.toString(), "--spark-master", "local[two]",
                "--runs-dir", dir.resolve("runs").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("train.distributed.master: 'local[two]' is not a Spark master URL"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertFalse(Files.exists(dir.resolve("runs")), "no run folder for a bad config");
    }

    @Test
    void aResumedRunKeepsItsEngine() {
        CliRun r = CliRun.of("train", "--resume", dir.toString(), "--spark-master", "local[2]");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--set and --spark-master cannot change a run being resumed"), r.err());
    }
}
