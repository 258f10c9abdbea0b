package dev.graft.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code train.devices} and {@code train.distributed}: what binds, and every mistake reported at once. */
class DistributedConfigTest {
    @TempDir
    Path dir;

    private ExperimentConfig load(String... overrides) throws IOException {
        Files.createDirectories(dir.resolve("imgs/a"));
        Path file = dir.resolve("exp.yaml");
        Files.writeString(file, "data: {root: imgs}\ntrain: {batch_size: 8}\n");
        return new ConfigLoader().load(file, List.of(overrides));
    }

    @Test
    void aDistributedBlockBinds() throws IOException {
        ExperimentConfig c = load("train.distributed={engine: spark, master: \"spark://head:7077\", workers: 4,"
                + " averaging_frequency: 3}");
        DistributedConfig d = c.train().distributed();
        assertEquals(DistributedConfig.Engine.SPARK, d.engine());
        assertEquals("spark://head:7077", d.master());
        assertEquals(4, d.workers());
        assertEquals(3, d.averagingFrequency());
        assertEquals(DistributedConfig.Engine.NONE, load().train().distributed().engine());
        assertEquals(0, load().train().distributed().workers(), "0: Spark's default parallelism");
    }

    @Test
    void masterUrlsSparkAccepts() {
        for (String ok : List.of("local", "local[2]", "local[*]", "local[4,2]", "spark://h:7077", "yarn",
                "k8s://https://api:6443", "mesos://m:5050")) {
            assertTrue(DistributedConfig.isMasterUrl(ok), ok);
        }
        for (String bad : List.of("", "local[0]", "local[x]", "spark:/h", "yarn-cluster", "http://h")) {
            assertFalse(DistributedConfig.isMasterUrl(bad), bad);
        }
    }

    @Test
    void mistakesAreListedTogether() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("train.devices=2",
                "train.distributed.engine=spark", "train.distributed.master=local[two]",
                "train.distributed.workers=9", "train.distributed.averaging_frequency=0",
                "train.cache_features=true"));
        List<String> errors = e.errors().stream().map(ConfigError::toString).toList();
        assertEquals(List.of(
                "train.distributed.averaging_frequency: must be >= 1 (was 0)",
                "train.distributed.master: 'local[two]' is not a Spark master URL (one of local, local[N], local[*], "
                        + "spark://HOST:PORT, yarn, k8s://URL, mesos://URL)",
                "train.devices: must be 1 with train.distributed.engine: spark (Spark's workers are the "
                        + "data-parallel ones; was 2)",
                "train.distributed.workers: must be <= train.batch_size (8): each worker takes a share of every "
                        + "batch (was 9)",
                "train.cache_features: the feature cache trains in-process; use auto or false with train.devices "
                        + "or train.distributed"), errors);
    }

    @Test
    void moreDevicesThanImagesPerBatchIsAnError() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("train.devices=16"));
        assertEquals("train.devices: must be <= train.batch_size (8): each device takes a share of every batch "
                + "(was 16)", e.errors().get(0).toString());
    }
}
