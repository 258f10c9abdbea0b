package dev.graft.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.config.ConfigLoader;
import dev.graft.config.ExperimentConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunDirectoryTest {
    @TempDir
    Path dir;

    private ExperimentConfig config() throws IOException {
        Files.createDirectories(dir.resolve("imgs/a"));
        Path file = dir.resolve("demo.yaml");
        Files.writeString(file, "seed: 9\ndata: {root: imgs}\n");
        return new ConfigLoader().load(file);
    }

    @Test
    void createsSelfDescribingFolder() throws IOException {
        ExperimentConfig config = config();
        Provenance provenance = Provenance.collect("test", config.seed(), "graft train", Map.of("k", "v"));
        LocalDateTime now = LocalDateTime.of(2026, 1, 2, 3, 4, 5);
        try (RunDirectory run = RunDirectory.create(dir.resolve("experiments"), config, provenance, now)) {
            assertEquals(dir.resolve("experiments/demo/20260102-030405"), run.path());
            assertEquals(config, new ConfigLoader().load(run.resolve(RunDirectory.CONFIG)),
                    "config.yaml is the resolved config and loads back to the same thing");
            JsonNode json = new ObjectMapper().readTree(run.resolve(RunDirectory.PROVENANCE).toFile());
            assertEquals(9, json.get("seed").asLong());
            assertTrue(json.get("backend").asText().length() > 0);
            assertTrue(json.has("oneDnn") && json.has("jvm") && json.has("cpu") && json.has("startTime"));
            LoggerFactory.getLogger("dev.graft.test").info("hello run log");
            try (Stream<Path> files = Files.list(run.path())) {
                assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")),
                        "no temporary files left behind");
            }
        }
        String log = Files.readString(dir.resolve("experiments/demo/20260102-030405/train.log"));
        assertTrue(log.contains("hello run log"), log);
    }

    @Test
    void sameSecondGetsASuffix() throws IOException {
        ExperimentConfig config = config();
        Provenance p = Provenance.collect("test", 1, "x", Map.of());
        LocalDateTime now = LocalDateTime.of(2026, 1, 2, 3, 4, 5);
        try (RunDirectory a = RunDirectory.create(dir, config, p, now);
             RunDirectory b = RunDirectory.create(dir, config, p, now)) {
            assertNotEquals(a.path(), b.path());
            assertEquals("20260102-030405-1", b.path().getFileName().toString());
        }
    }

    @Test
    void reopenRejectsAFolderThatIsNotARun() {
        dev.graft.GraftException e = org.junit.jupiter.api.Assertions.assertThrows(dev.graft.GraftException.class,
                () -> RunDirectory.open(dir));
        assertTrue(e.getMessage().contains("not a Graft run folder"));
    }
}
