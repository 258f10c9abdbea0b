package dev.graft.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Broken bundle metadata is a usage error (exit 2) naming the file and the problem, in Graft's words. */
class BundleErrorsTest {
    static final String LABELS = "[\"cat\", \"dog\"]";
    /** As {@code graft export} writes it. */
    static final String PREPROCESSING = """
            {"image_size": 16, "resize": "shorter_side_then_center_crop", "resize_shorter_side": 16,
             "crop_ratio": 1.0, "interpolation": "bilinear", "channel_order": "RGB", "layout": "NCHW",
             "value_range": [0.0, 1.0], "mean": [0, 0, 0], "std": [1, 1, 1], "decoder": "OpenCV",
             "input_name": "pixel_values", "output_names": ["probabilities", "logits"]}
            """;

    @TempDir
    Path dir;

    /** {@code graft predict} with a bundle of these files (and a model.zip that is a zip without a model). */
    CliRun predict(String labels, String preprocessing) throws IOException {
        Path bundle = Files.createDirectories(dir.resolve("bundle"));
        Files.writeString(bundle.resolve("labels.json"), labels);
        Files.writeString(bundle.resolve("preprocessing.json"), preprocessing);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(bundle.resolve("model.zip")))) {
            zip.putNextEntry(new ZipEntry("readme.txt"));
            zip.write("not a model".getBytes());
        }
        Path image = Files.write(dir.resolve("x.png"), new byte[] {1, 2, 3});
        return CliRun.of("predict", "--model", bundle.toString(), image.toString());
    }

    static void assertUsageError(CliRun r, String... expected) {
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: "), r.err());
        for (String text : expected) {
            assertTrue(r.err().contains(text), "'" + text + "' in: " + r.err());
        }
        for (String internal : new String[] {"[Source", "REDACTED", "\tat ", "Exception"}) {
            assertFalse(r.err().contains(internal), "no '" + internal + "' in: " + r.err());
        }
    }

    @Test
    void invalidJsonNamesTheFileAndWhereWithoutJacksonsSourceText() throws IOException {
        assertUsageError(predict("[\"cat\", \"dog\"", PREPROCESSING), "labels.json is not valid",
                "line 1, column");
        assertUsageError(predict(LABELS, "{\"image_size\": 16,\n \"crop_ratio\": }"), "preprocessing.json is not valid",
                "line 2, column");
        assertUsageError(predict("{\"cat\": 1}", PREPROCESSING), "labels.json");
        assertUsageError(predict("[\"cat\", null]", PREPROCESSING), "labels.json must be a JSON array of class names");
    }

    @Test
    void outOfRangePreprocessingIsAUsageErrorNamingTheField() throws IOException {
        assertUsageError(predict(LABELS, PREPROCESSING.replace("16", "-3")), "preprocessing.json",
                "image_size must be >= 1 (was -3)");
        assertUsageError(predict(LABELS, PREPROCESSING.replace("\"crop_ratio\": 1.0", "\"crop_ratio\": 1.5")),
                "crop_ratio must be in (0, 1]");
        assertUsageError(predict(LABELS, PREPROCESSING.replace("\"mean\": [0, 0, 0],", "")),
                "mean must list 3 numbers");
        assertUsageError(predict(LABELS, PREPROCESSING.replace("[1, 1, 1]", "[1, 0, 1]")), "std must be > 0");
    }

    @Test
    void aModelZipWithoutAModelIsAUsageError() throws IOException {
        assertUsageError(predict(LABELS, PREPROCESSING), "model.zip is not a readable DL4J model",
                "export the bundle again");
    }
}
