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
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

    @Test
    void anInternalErrorEndsInTheStatusFileAndItsStackTraceInTrainLog() throws IOException {
        ExperimentConfig config = config();
        Provenance p = Provenance.collect("test", 1, "x", Map.of());
        Path folder;
        try (RunDirectory run = RunDirectory.create(dir, config, p, LocalDateTime.now())) {
            folder = run.path();
            run.status(RunStatus.RUNNING, "training");
            run.failed(new IllegalStateException("boom", new java.io.IOException("the cause")));
            assertEquals(java.util.Optional.of(RunStatus.FAILED), run.status());
        }
        assertEquals(List.of("failed", "internal error: java.lang.IllegalStateException: boom"),
                Files.readAllLines(folder.resolve(RunDirectory.STATUS)));
        String log = Files.readString(folder.resolve(RunDirectory.LOG));
        assertTrue(log.contains("status: running (training)"), log);
        assertTrue(log.contains("internal error: java.lang.IllegalStateException: boom"), log);
        assertTrue(log.contains("\tat ") && log.contains("Caused by: java.io.IOException: the cause"),
                "the stack trace with its cause: " + log);
    }

    /** Two runs at once in one JVM (parallel sweep trials): each train.log holds its own lines only. */
    @Test
    void concurrentRunsEachLogOnlyTheirOwnLines() throws Exception {
        ExperimentConfig config = config();
        Provenance p = Provenance.collect("test", 1, "x", Map.of());
        CyclicBarrier bothOpen = new CyclicBarrier(2);
        org.slf4j.Logger log = LoggerFactory.getLogger("dev.graft.test");
        Callable<Path> runner = () -> {
            try (RunDirectory run = RunDirectory.create(dir.resolve("concurrent"), config, p, LocalDateTime.now())) {
                String me = "[" + run.path().getFileName() + "]";
                bothOpen.await(); // both appenders are attached from here on
                log.info("line of {}", me);
                Thread child = new Thread(() -> log.info("child line of {}", me)); // e.g. a data-loading thread
                child.start();
                child.join();
                bothOpen.await();
                return run.path();
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Path> a = pool.submit(runner);
            Future<Path> b = pool.submit(runner);
            for (Future<Path> mine : List.of(a, b)) {
                Future<Path> other = mine == a ? b : a;
                String log1 = Files.readString(mine.get().resolve(RunDirectory.LOG));
                String me = "[" + mine.get().getFileName() + "]";
                String them = "[" + other.get().getFileName() + "]";
                assertTrue(log1.contains("line of " + me) && log1.contains("child line of " + me), log1);
                assertFalse(log1.contains("line of " + them), "no line of the other run: " + log1);
            }
        } finally {
            pool.shutdown();
        }
    }
}
