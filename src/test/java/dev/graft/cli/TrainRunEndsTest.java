package dev.graft.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.testing.ColourFolders;
import dev.graft.testing.LogHook;
import dev.graft.testing.TinyExperiments;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run folder tells how its run ended ({@code status}, {@code train.log}) however it ends: completed with an
 * export, stopped by Ctrl-C (also during the export), failed at the start; and {@code --resume} cleans up after
 * an interrupted process and redoes an interrupted export.
 */
class TrainRunEndsTest {
    @TempDir
    static Path dir;
    static Path config;

    @BeforeAll
    static void makeData() throws IOException {
        ColourFolders.colourFolders(dir.resolve("colours"), 16, 24, 7);
        TinyExperiments.config(dir, "ends", 2);
        config = dir.resolve("ends.yaml");
    }

    private static CliRun train(Path runs, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--config", config.toString(), "--runs-dir",
                runs.toString(), "--set", "train.log_every=1"));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static Path onlyRun(Path runs) throws IOException {
        try (Stream<Path> folders = Files.list(runs.resolve("ends"))) {
            List<Path> all = folders.toList();
            assertEquals(1, all.size(), all.toString());
            return all.get(0);
        }
    }

    private static List<String> status(Path run) throws IOException {
        return Files.readAllLines(run.resolve("status"));
    }

    @Test
    void unreadableWeightsLeaveNoRunFolder() throws IOException {
        Path weights = Files.writeString(dir.resolve("weights.pth"), "not weights");
        Path runs = dir.resolve("bad-weights");
        CliRun r = train(runs, "--set", "backbone.weights=" + weights);
        assertTrue(r.code() != 0, r.err());
        assertTrue(r.err().contains("weights.pth"), r.err());
        try (Stream<Path> left = Files.exists(runs.resolve("ends")) ? Files.list(runs.resolve("ends")) : Stream.of()) {
            assertEquals(List.of(), left.toList(), "a start that failed on bad input leaves no run folder");
        }
    }

    @Test
    void ctrlCStopsAndResumeSayTheSamePositionAndTheResumedRunCompletes() throws IOException {
        Path runs = dir.resolve("stopped");
        CliRun stopped;
        try (LogHook hook = LogHook.when("epoch 1/2  batch 2/", () -> StopOnSignal.raise("INT"))) {
            stopped = train(runs);
            assertTrue(hook.fired());
        }
        assertEquals(130, stopped.code(), stopped.err());
        Path run = onlyRun(runs);
        assertEquals("stopped", status(run).get(0));
        assertTrue(status(run).get(1).startsWith("SIGINT: stopped after batch 2 of epoch 1; resume with: graft train "
                + "--resume " + run), status(run).toString());

        CliRun resumed = CliRun.of("train", "--resume", run.toString());
        assertEquals(0, resumed.code(), resumed.err());
        String log = Files.readString(run.resolve("train.log"));
        assertTrue(log.contains("resuming " + run + " after batch 2 of epoch 1"), log);
        assertEquals("completed", status(run).get(0));
    }

    /**
     * One run with an export: Ctrl-C during the export lets it finish and exits 130 (not the training-stop message),
     * train.log and status tell how it ended, provenance has the whole command; then what kill -9 and a double
     * Ctrl-C leave behind is cleaned up by --resume, which redoes the missing export without training again.
     */
    @Test
    void ctrlCDuringTheExportThenResumeAfterAnInterruptedExport() throws IOException {
        Path runs = dir.resolve("export-signal");
        CliRun r;
        try (LogHook hook = LogHook.when("exporting ", () -> StopOnSignal.raise("INT"))) {
            r = train(runs, "--set", "train.epochs=1", "--set", "export.formats=[dl4j]");
            assertTrue(hook.fired());
        }
        assertEquals(130, r.code(), r.err());
        Path run = onlyRun(runs);
        String log = Files.readString(run.resolve("train.log"));
        assertTrue(log.contains("SIGINT during the export"), log);
        assertFalse(log.contains("finishing the current batch"), "not the training-stop message: " + log);
        assertTrue(log.contains("status: completed (completed 1 epochs)"), log);
        assertTrue(log.contains("bundle     " + run.resolve("export")), "the export's lines: " + log);
        assertTrue(Files.isRegularFile(run.resolve("export/model.zip")), "the export finished");
        assertEquals(List.of("completed", "completed 1 epochs"), status(run));
        String command = new ObjectMapper().readTree(run.resolve("provenance.json").toFile()).get("command").asText();
        assertEquals("graft train --config " + config + " --runs-dir " + runs + " --set train.log_every=1 --set "
                + "train.epochs=1 --set 'export.formats=[dl4j]'", command);

        // What kill -9 during a checkpoint write and a double Ctrl-C during the export leave behind.
        deleteTree(run.resolve("export"));
        Files.createDirectories(run.resolve(".export.123456"));
        Files.writeString(run.resolve(".export.123456/labels.json"), "[]");
        Files.writeString(run.resolve("checkpoints/.last.zip.987654.tmp"), "half a checkpoint");
        Files.writeString(run.resolve("status"), "completed\ncompleted 1 epochs; exporting\n");

        CliRun resumed = CliRun.of("train", "--resume", run.toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertFalse(Files.exists(run.resolve(".export.123456")));
        assertFalse(Files.exists(run.resolve("checkpoints/.last.zip.987654.tmp")));
        assertTrue(Files.isRegularFile(run.resolve("export/model.zip")), "the export is redone");
        assertTrue(Files.isRegularFile(run.resolve("checkpoints/last.zip")));
        List<String> epochs = Files.readAllLines(run.resolve("metrics.csv"));
        assertEquals(2, epochs.size(), "nothing trained again: " + epochs);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
