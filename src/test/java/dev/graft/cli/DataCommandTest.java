package dev.graft.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code graft data}: output, files, and exit codes for data mistakes. */
class DataCommandTest {
    @TempDir
    Path dir;



    private void image(String path, int rgb) throws IOException {
        BufferedImage img = new BufferedImage(20, 14, BufferedImage.TYPE_INT_RGB);
        img.setRGB(3, 3, rgb);
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    private Path config(String data) throws IOException {
        Path file = dir.resolve("exp.yaml");
        Files.writeString(file, "name: d\nbackbone: {arch: resnet20_cifar, weights: none}\ndata:\n" + data);
        return file;
    }

    @Test
    void printsTheTableAndWritesReportAndContactSheet() throws IOException {
        for (int i = 0; i < 4; i++) {
            image("train/cat/" + i + ".png", 0xFF0000);
            image("train/dog/" + i + ".png", 0x00FF00);
        }
        image("val/cat/v.png", 0xFF0000);
        image("val/dog/v.png", 0x00FF00);
        Files.writeString(dir.resolve("train/dog/broken.jpg"), "oops");
        Path cfg = config("  train: train\n  val: val\n  augment: [hflip, {random_crop: 2}]\n");
        CliRun r = CliRun.of("data", "--config", cfg.toString(), "--out", dir.resolve("out").toString(),
                "--set", "data.class_weights=auto");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("classes  2: cat, dog"), r.out());
        assertTrue(r.out().matches("(?s).*train\\s+dog\\s+4\\s+1\\s+20\\s+14.*"), r.out());
        assertTrue(r.out().contains("broken.jpg: not an image"), r.out());
        assertTrue(r.out().contains("weights  auto: cat 1.000, dog 1.000"), r.out());
        assertTrue(Files.size(dir.resolve("out/data-report.json")) > 100);
        assertTrue(ImageIO.read(dir.resolve("out/augment-samples.png").toFile()).getWidth() > 96);
    }

    /**
     * The shipped multi-label and regression quickstarts generate their set where their csv keys point, and the
     * data report counts, per label, the images that have it and, for the regression target, its distribution:
     * the same numbers as counting the generated labels.csv.
     */
    @Test
    void syntheticManifestSetsAreGeneratedAndReportedPerLabelAndTarget() throws IOException {
        Path ml = dir.resolve("ml");
        CliRun multi = CliRun.of("data", "--config", "configs/quickstart-multilabel.yaml", "--out",
                dir.resolve("out-ml").toString(), "--set", "data.csv.file=" + ml.resolve("labels.csv"),
                "--set", "data.csv.images=" + ml.resolve("images"));
        assertEquals(0, multi.code(), multi.err());
        java.util.List<String> rows = Files.readAllLines(ml.resolve("labels.csv"));
        assertEquals(dev.graft.data.SyntheticShapes.MANIFEST_COUNT + 1, rows.size());
        com.fasterxml.jackson.databind.JsonNode report = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dir.resolve("out-ml/data-report.json").toFile());
        assertEquals("multi_label", report.path("problem").asText());
        for (String label : dev.graft.data.SyntheticShapes.CLASSES) {
            long withLabel = rows.stream().skip(1).filter(r -> java.util.List.of(r.split(",", -1)[1].split("\\|"))
                    .contains(label)).count();
            int reported = report.path("splits").path("train").path("classes").path(label).path("images").asInt()
                    + report.path("splits").path("val").path("classes").path(label).path("images").asInt();
            assertEquals(withLabel, reported, label);
        }
        assertTrue(multi.out().contains("split  label"), multi.out());

        Path sizes = dir.resolve("sizes");
        CliRun regression = CliRun.of("data", "--config", "configs/quickstart-regression.yaml", "--out",
                dir.resolve("out-reg").toString(), "--set", "data.csv.file=" + sizes.resolve("labels.csv"),
                "--set", "data.csv.images=" + sizes.resolve("images"));
        assertEquals(0, regression.code(), regression.err());
        double mean = Files.readAllLines(sizes.resolve("labels.csv")).stream().skip(1)
                .mapToDouble(r -> Double.parseDouble(r.split(",")[1])).average().orElseThrow();
        com.fasterxml.jackson.databind.JsonNode splits = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dir.resolve("out-reg/data-report.json").toFile()).path("splits");
        double pooled = 0;
        for (String split : java.util.List.of("train", "val")) {
            pooled += splits.path(split).path("images").asInt() * splits.path(split).path("target").path("mean").asDouble();
        }
        assertEquals(mean, pooled / dev.graft.data.SyntheticShapes.MANIFEST_COUNT, 1e-4, "the splits' means pool to the file's");
        assertTrue(regression.out().contains("train  size: mean "), regression.out());
    }

    @Test
    void aSyntheticManifestSetNeedsItsCsvKeysSideBySide() throws IOException {
        Path cfg = config("  synthetic: shape_sizes\n  csv: {file: a/labels.csv, images: b/images, label_column: size}\n");
        Files.writeString(cfg, Files.readString(cfg).replace("name: d\n", "name: d\nhead: {problem: regression}\n"));
        CliRun r = CliRun.of("validate", "--config", cfg.toString());
        assertEquals(2, r.code(), r.out());
        assertTrue(r.err().contains("data.csv: with data.synthetic: shape_sizes set file: DIR/labels.csv and images: "
                + "DIR/images"), r.err());
    }

    @Test
    void missingCsvColumnIsAConfigError() throws IOException {
        image("imgs/a.png", 1);
        Files.writeString(dir.resolve("m.csv"), "file,label\na.png,x\n");
        Path cfg = config("  csv: {file: m.csv, images: imgs, image_column: file, label_column: class}\n");
        CliRun r = CliRun.of("data", "--config", cfg.toString(), "--out", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("data.csv.label_column: no column 'class' in m.csv; its columns are: file, label"),
                r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }

    @Test
    void classWithoutReadableImagesIsAClearError() throws IOException {
        image("train/cat/a.png", 1);
        Files.createDirectories(dir.resolve("train/dog"));
        image("val/cat/a.png", 1);
        CliRun r = CliRun.of("data", "--config", config("  train: train\n  val: val\n").toString(), "--out", dir.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("error: class(es) [dog] have no readable training image"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }
}
