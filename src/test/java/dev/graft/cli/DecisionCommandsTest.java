package dev.graft.cli;

import dev.graft.export.BinaryFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code graft export} and {@code graft predict} on a run whose {@code decision.json} has a threshold. */
class DecisionCommandsTest {
    @TempDir
    Path dir;

    @Test
    void exportAppliesTheRuleAndPredictPrintsAndWritesTheDecision() throws IOException {
        BinaryFixture f = BinaryFixture.get();
        BinaryFixture.Split split = f.split(2.5);
        Path run = f.runWith(f.rule(2.5, split.threshold()));
        Path bundle = dir.resolve("bundle");
        CliRun export = CliRun.of("export", run.toString(), "--out", bundle.toString());
        assertEquals(0, export.code(), export.err());
        String threshold = String.format(Locale.ROOT, "%.6f", split.threshold());
        assertTrue(export.out().contains("calibrated temperature 2.5000"), export.out());
        assertTrue(export.out().contains("decision   red when p >= " + threshold), export.out());

        Path csv = dir.resolve("out.csv");
        Files.writeString(dir.resolve("broken.png"), "not an image");
        CliRun predict = CliRun.of("predict", "--model", bundle.toString(), split.below().toString(),
                split.above().toString(), dir.resolve("broken.png").toString(), "--csv", csv.toString());
        assertEquals(1, predict.code(), "one unreadable image: " + predict.err());
        assertTrue(predict.out().startsWith("decision: red when its probability >= " + threshold), predict.out());
        assertTrue(predict.out().matches("(?s).*below.*\\n  decision: green \\(p\\(red\\) [\\d.]+% < threshold.*"
                .replace("below", split.below().toString())), predict.out());
        assertTrue(predict.out().matches("(?s).*above.*\\n  decision: red \\(p\\(red\\) [\\d.]+% >= threshold.*"
                .replace("above", split.above().toString())), predict.out());

        List<String> rows = Files.readAllLines(csv);
        assertEquals("path,predicted,probability,decision,p_red,top1,p1,top2,p2,error", rows.get(0));
        assertEquals(4, rows.size());
        for (String row : rows.subList(1, 4)) {
            assertEquals(10, row.split(",", -1).length, row);
        }
        String[] below = rows.get(1).split(",", -1);
        String[] above = rows.get(2).split(",", -1);
        assertEquals(split.below().toString(), below[0]);
        assertEquals("green", below[3]);
        assertEquals("red", above[3]);
        assertTrue(Double.parseDouble(below[4]) < split.threshold(), rows.get(1));
        assertTrue(Double.parseDouble(above[4]) >= split.threshold(), rows.get(2));
        assertTrue(rows.get(3).contains("broken.png,,,,,,,,,"), rows.get(3));
    }
}
