package dev.graft.cli;

import dev.graft.testing.ColourFolders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code graft lr-find} on a tiny experiment: its two files, a ready --set line, nothing else written. */
class LrFindCommandTest {
    @TempDir
    Path tmp;

    @Test
    void writesCurveAndPlotAndPrintsASetLine() throws IOException {
        ColourFolders.colourFolders(tmp.resolve("shapes"), 8, 16, 3); // three colours: learnt in a few steps
        Path config = tmp.resolve("find.yaml");
        Files.writeString(config, """
                name: find
                backbone: {arch: resnet20_cifar, weights: none, freeze: [stem]}
                data: {root: shapes, image_size: 16, split: {val: 0.25}}
                train: {batch_size: 4, optimizer: {type: sgd, lr: 0.1, momentum: 0.9}}
                """);
        Path out = tmp.resolve("lr");
        CliRun r = CliRun.of("lr-find", "--config", config.toString(), "--steps", "30", "--min-lr", "1e-4",
                "--max-lr", "10", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Matcher set = Pattern.compile("--set train\\.optimizer\\.lr=([0-9.e+-]+)").matcher(r.out());
        assertTrue(set.find(), r.out());
        double lr = Double.parseDouble(set.group(1));
        assertTrue(lr >= 1e-5 && lr <= 1, "a tenth of a rate inside the sweep: " + lr);
        List<String> csv = Files.readAllLines(out.resolve("lr-find.csv"));
        assertEquals("step,lr,loss,smoothed_loss", csv.get(0));
        assertTrue(csv.size() >= 2 && csv.size() <= 31, "one row per step done: " + csv.size());
        assertTrue(Files.size(out.resolve("lr-find.png")) > 1000);
        try (var files = Files.list(out)) {
            assertEquals(2, files.count(), "only its two files");
        }
        try (var files = Files.list(tmp)) {
            assertEquals(List.of("find.yaml", "lr", "shapes"), files.map(p -> p.getFileName().toString()).sorted()
                    .toList(), "no run folder, checkpoint or cache anywhere else");
        }
    }

    @Test
    void badRangeIsAUsageError() throws IOException {
        Path config = tmp.resolve("find.yaml");
        Files.createDirectories(tmp.resolve("shapes"));
        Files.writeString(config, """
                name: find
                backbone: {arch: resnet20_cifar, weights: none}
                data: {root: shapes, image_size: 16}
                """);
        CliRun r = CliRun.of("lr-find", "--config", config.toString(), "--min-lr", "1", "--max-lr", "0.1");
        assertTrue(r.code() != 0 && r.err().contains("--min-lr"), r.err());
        assertTrue(!r.err().contains("Exception"), "a message, not a stack trace: " + r.err());
    }
}
