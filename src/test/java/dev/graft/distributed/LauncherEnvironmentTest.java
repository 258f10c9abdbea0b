package dev.graft.distributed;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Executors started by a Spark worker do not inherit the driver's environment; the settings ./graft exports for
 * native code (OpenMP's spin-wait, glibc's mmap threshold) travel as {@code spark.executorEnv.*} for training and
 * sweeps alike, and what the user configured wins.
 */
class LauncherEnvironmentTest {
    @Test
    void theLaunchersNativeSettingsReachExecutorsUnlessConfigured() {
        SparkConf conf = new SparkConf(false).set("spark.executorEnv.OMP_WAIT_POLICY", "ACTIVE");
        SparkContexts.forwardLauncherEnvironment(conf, Map.of("GOMP_SPINCOUNT", "10000",
                "MALLOC_MMAP_THRESHOLD_", "4194304", "OMP_WAIT_POLICY", "PASSIVE", "HOME", "/home/me"));
        assertEquals("10000", conf.get("spark.executorEnv.GOMP_SPINCOUNT"));
        assertEquals("4194304", conf.get("spark.executorEnv.MALLOC_MMAP_THRESHOLD_"));
        assertEquals("ACTIVE", conf.get("spark.executorEnv.OMP_WAIT_POLICY"), "the user's setting wins");
        assertFalse(conf.contains("spark.executorEnv.HOME"), "only the launcher's native settings travel");
    }

    @Test
    void nothingIsSetForVariablesTheDriverLacks() {
        SparkConf conf = new SparkConf(false);
        SparkContexts.forwardLauncherEnvironment(conf, Map.of());
        for (String name : SparkContexts.FORWARDED_ENV) {
            assertFalse(conf.contains("spark.executorEnv." + name), name);
        }
    }
}
