package dev.graft.cli;

import dev.graft.export.Classifier;
import dev.graft.export.TrainedFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code graft explain} as a user runs it on an exported bundle. */
class ExplainCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesAnOverlayAndTheMapPerImage() throws IOException {
        TrainedFixture f = TrainedFixture.get();
        Path first = f.allImages().get(0);
        Path second = f.allImages().get(5);
        Path out = dir.resolve("cams");
        CliRun run = CliRun.of("explain", "--model", f.bundle.toString(), first.toString(), second.toString(),
                "--out", out.toString());
        assertEquals(0, run.code(), run.err());
        String predicted;
        try (Classifier classifier = Classifier.load(f.bundle)) {
            predicted = classifier.predict(first).label();
        }
        assertTrue(run.out().contains(first + "\n  " + predicted + " (p "), "default class = predicted: " + run.out());
        assertTrue(run.out().contains(" in stage3: "), "default stage = the last: " + run.out());
        for (Path image : List.of(first, second)) {
            String name = image.getFileName().toString().replaceFirst("\\.png$", "");
            BufferedImage overlay = ImageIO.read(out.resolve(name + ".png").toFile());
            assertEquals(16, overlay.getWidth(), "the network input's size");
            assertEquals(16, overlay.getHeight());
            List<String> rows = Files.readAllLines(out.resolve(name + ".csv"));
            assertEquals(16, rows.size());
            double max = 0;
            for (String row : rows) {
                String[] cells = row.split(",");
                assertEquals(16, cells.length, row);
                for (String cell : cells) {
                    double v = Double.parseDouble(cell);
                    assertTrue(v >= 0 && v <= 1, "normalised to [0, 1]: " + v);
                    max = Math.max(max, v);
                }
            }
            assertTrue(max == 0 || Math.abs(max - 1) < 1e-6, "the maximum is 1 (or the map all zero): " + max);
        }
    }

    @Test
    void explainsAChosenClassAndStage() {
        TrainedFixture f = TrainedFixture.get();
        String other = f.allImages().get(0).getParent().getFileName().toString().equals("red") ? "blue" : "red";
        CliRun run = CliRun.of("explain", "--model", f.bundle.toString(), f.allImages().get(0).toString(),
                "--class", other, "--stage", "stage2", "--out", dir.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("  " + other + " (p ") && run.out().contains(" in stage2: "), run.out());
    }

    @Test
    void badInputIsAUsageError() throws IOException {
        TrainedFixture f = TrainedFixture.get();
        String image = f.allImages().get(0).toString();
        String bundle = f.bundle.toString();
        expectUsageError(List.of("explain", "--model", bundle, image, "--class", "purple"),
                "unknown class 'purple'; the model's classes: ");
        expectUsageError(List.of("explain", "--model", bundle, image, "--stage", "stage4"),
                "unknown stage 'stage4'; this model's stages: stem, stage1, stage2, stage3");
        Path broken = Files.writeString(dir.resolve("broken.png"), "not an image");
        expectUsageError(List.of("explain", "--model", bundle, broken.toString(), "--out", dir.toString()),
                broken.toString());
        expectUsageError(List.of("explain", "--model", bundle, "--engine", "onnx", image, "--out", dir.toString()),
                "Grad-CAM needs the DL4J model");
    }

    private static void expectUsageError(List<String> args, String message) {
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(2, run.code(), args + ": " + run.out() + run.err());
        assertTrue(run.err().contains(message), run.err());
        assertFalse(run.err().contains("Exception") || run.err().contains("\tat "), run.err());
    }
}
