package dev.graft.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line as a user meets it: exit codes, output, and no stack traces for mistakes. */
class CliTest {
    @TempDir
    Path dir;



    @Test
    void helpListsCommandsAndExitCodes() {
        CliRun r = CliRun.of("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("validate"), r.out());
        String exitCodes = r.out().substring(r.out().indexOf("Exit codes")).replaceAll("\\s+", " ");
        for (String code : List.of("0 success", "1 runtime failure", "2 usage or configuration error",
                "130 interrupted")) {
            assertTrue(exitCodes.contains(code), "exit code " + code + ": " + exitCodes);
        }
    }

    /** picocli lists a command with its description's first line: that line must be a whole sentence. */
    @Test
    void helpListsEveryCommandWithAWholeSentence() {
        String out = CliRun.of("--help").out();
        String commands = out.substring(out.indexOf("Commands:") + "Commands:".length(), out.indexOf("Exit codes"));
        Map<String, String> summaries = new LinkedHashMap<>();
        String current = null;
        for (String line : commands.split("\n")) {
            Matcher entry = Pattern.compile("^\\s{2}(\\S+)\\s+(.*)$").matcher(line);
            if (line.startsWith("  ") && !line.startsWith("   ") && entry.matches()) {
                current = entry.group(1);
                summaries.put(current, entry.group(2).trim());
            } else if (current != null) {
                summaries.merge(current, line.trim(), (a, b) -> a + " " + b);
            }
        }
        assertTrue(summaries.keySet().containsAll(List.of("train", "bench", "export", "predict", "serve", "sweep",
                "validate")), summaries.toString());
        summaries.forEach((command, summary) -> assertTrue(summary.endsWith("."),
                command + "'s summary is cut mid-sentence: '" + summary + "'"));
    }

    @Test
    void versionNamesGraftAndDl4j() {
        CliRun r = CliRun.of("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("graft "), r.out());
        assertTrue(r.out().contains("1.0.0-M2.1"), r.out());
    }

    @Test
    void validatePrintsTheResolvedConfig() {
        CliRun r = CliRun.of("validate", "--config", "configs/quickstart.yaml");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("name: quickstart"), r.out());
        assertTrue(r.out().contains("label_smoothing: 0.0"), "defaults are filled in: " + r.out());
    }

    @Test
    void validateListsEveryProblemWithoutStackTrace() throws IOException {
        Files.createDirectories(dir.resolve("imgs/a"));
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "backbone: {arch: resnet51}\ndata: {root: imgs}\n"
                + "train: {optimizer: {lr: -0.1}, epochz: 3}\n");
        CliRun r = CliRun.of("validate", "--config", bad.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("3 problems"), r.err());
        assertTrue(r.err().contains("backbone.arch: unknown 'resnet51'"), r.err());
        assertTrue(r.err().contains("train.epochz: unknown key (did you mean 'epochs'?)"), r.err());
        assertTrue(r.err().contains("train.optimizer.lr: must be > 0 (was -0.1)"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void validateWithSetOverride() {
        CliRun r = CliRun.of("validate", "--config", "configs/quickstart.yaml", "--set", "train.epochs=0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("train.epochs: must be >= 1 (was 0)"), r.err());
    }

    @Test
    void missingConfigFileIsAUsageError() {
        CliRun r = CliRun.of("validate", "--config", dir.resolve("nope.yaml").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no such file"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void aBinaryConfigFileIsAUsageErrorThatSaysSo() throws IOException {
        Path zip = dir.resolve("best.zip");
        Files.write(zip, new byte[]{'P', 'K', 3, 4, 20, 0, 8, 0, (byte) 0x88, (byte) 0xc3, 0x28});
        CliRun r = CliRun.of("validate", "--config", zip.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("is not a text file"), r.err());
        assertFalse(r.err().contains("Input length"), r.err());
    }

    @Test
    void unknownOptionIsAUsageError() {
        CliRun r = CliRun.of("validate", "--config", "configs/quickstart.yaml", "--confg", "x.yaml");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Unknown option"), r.err());
    }

    @Test
    void unknownCommandIsAUsageError() {
        CliRun r = CliRun.of("trian");
        assertEquals(2, r.code());
        assertTrue(r.err().toLowerCase().contains("unmatched argument"), r.err());
    }
}
