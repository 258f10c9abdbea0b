package dev.graft.cli;

import dev.graft.testing.ColourFolders;
import dev.graft.testing.TinyExperiments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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
    void anUnreachableMasterFailsFastWithTheCauseAndNoTrace() throws IOException {
        ColourFolders.colourFolders(dir.resolve("colours"), 4, 24, 1);
        Path config = TinyExperiments.file(dir, "unreachable", 1);
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        String master = "spark://127.0.0.1:" + port;
        CliRun r = CliRun.of("train", "--config", config.toString(), "--spark-master", master,
                "--runs-dir", dir.resolve("runs").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("cannot reach the Spark master " + master), r.err());
        assertTrue(r.err().contains("Connection refused"), r.err());
        assertFalse(r.err().contains("\tat ") || r.out().contains("\tat "), "no stack trace: " + r.err());
        assertFalse(r.err().contains("stopped SparkContext"), r.err());
    }

    @Test
    void aResumedRunKeepsItsEngine() {
        CliRun r = CliRun.of("train", "--resume", dir.toString(), "--spark-master", "local[2]");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--set and --spark-master cannot change a run being resumed"), r.err());
    }
}
