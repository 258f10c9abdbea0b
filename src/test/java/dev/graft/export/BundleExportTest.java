package dev.graft.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.GraftException;
import dev.graft.config.ExportConfig;
import dev.graft.testing.ColourFolders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bundle a real training run exports: every file, their content, the zip, and safe re-export. */
class BundleExportTest {
    @TempDir
    Path tmp;

    @Test
    void bundleHoldsModelsLabelsPreprocessingCardAndManifest() throws IOException {
        TrainedFixture f = TrainedFixture.get();
        assertEquals(List.of("bundle.json", "labels.json", "model-card.md", "model.onnx", "model.zip",
                "preprocessing.json"), f.export.files());
        assertEquals(f.run.resolve("export"), f.bundle);
        assertTrue(f.export.onnxMaxDifference() <= 1e-4, "ONNX self-check " + f.export.onnxMaxDifference());
        assertTrue(f.export.onnxCheckedOn().matches("on [1-8] validation images?"), "the run's validation images "
                + "still exist, so the check uses them rather than noise: " + f.export.onnxCheckedOn());

        JsonNode pre = Bundle.JSON.readTree(f.bundle.resolve("preprocessing.json").toFile());
        assertEquals(16, pre.path("image_size").asInt());
        assertEquals(16, pre.path("resize_shorter_side").asInt(), "CIFAR crop ratio 1: no crop margin");
        assertEquals(1.0, pre.path("crop_ratio").asDouble());
        assertEquals("RGB", pre.path("channel_order").asText());
        assertEquals("NCHW", pre.path("layout").asText());
        assertEquals(0.485, pre.path("mean").get(0).asDouble(), 1e-6);
        assertEquals(0.225, pre.path("std").get(2).asDouble(), 1e-6);
        assertEquals("[0.0,1.0]", pre.path("value_range").toString());
        assertEquals("pixel_values", pre.path("input_name").asText());

        assertEquals(ColourFolders.COLOURS, Bundle.JSON.readValue(f.bundle.resolve("labels.json").toFile(),
                List.class));
        JsonNode manifest = Bundle.JSON.readTree(f.bundle.resolve("bundle.json").toFile());
        assertEquals("resnet20_cifar", manifest.path("arch").asText());
        assertEquals("[\"dl4j\",\"onnx\"]", manifest.path("formats").toString());
        assertTrue(manifest.path("checkpoint").asText().endsWith("best.zip"));

        String card = Files.readString(f.bundle.resolve("model-card.md"));
        for (String expected : List.of("# colours", "resnet20_cifar", "weights source | `none`",
                "frozen stages (config) | stem", "hidden [8], activation gelu", "`blue`, `green`, `red`",
                "## Final metrics", "Best epoch", "| top1 |", "| red |", "## Provenance",
                "graft train --config colours.yaml", "model.onnx` (ONNX opset 13")) {
            assertTrue(card.contains(expected), "model card lacks '" + expected + "':\n" + card);
        }
        try (ZipFile dl4j = new ZipFile(f.bundle.resolve("model.zip").toFile())) {
            assertNull(dl4j.getEntry("updaterState.bin"), "no optimizer state in the bundle");
            assertTrue(dl4j.getEntry("coefficients.bin") != null);
        }
        try (ZipFile zip = new ZipFile(f.zip.toFile())) {
            assertEquals(f.export.files(), Collections.list(zip.entries()).stream().map(ZipEntry::getName).sorted()
                    .toList());
        }
    }

    @Test
    void reExportReplacesTheBundleWholeAndRefusesForeignFolders() throws IOException {
        TrainedFixture f = TrainedFixture.get();
        Path out = tmp.resolve("bundle");
        BundleExporter exporter = new BundleExporter("test");
        exporter.export(new BundleExporter.Request(f.run, ExportConfig.Which.LAST,
                Set.of(ExportConfig.Format.DL4J, ExportConfig.Format.ONNX), out, false));
        BundleExporter.Result again = exporter.export(new BundleExporter.Request(f.run, ExportConfig.Which.LAST,
                Set.of(ExportConfig.Format.DL4J), out, false));
        assertFalse(Files.exists(out.resolve("model.onnx")), "an export never mixes files of two exports");
        assertTrue(again.checkpoint().endsWith("last.zip"));
        assertTrue(Double.isNaN(again.onnxMaxDifference()));
        try (var siblings = Files.list(tmp)) {
            assertEquals(List.of("bundle"), siblings.map(p -> p.getFileName().toString()).toList(),
                    "no temporary folders left behind");
        }

        Path foreign = Files.createDirectories(tmp.resolve("precious"));
        Files.writeString(foreign.resolve("notes.txt"), "keep me");
        GraftException e = assertThrows(GraftException.class, () -> exporter.export(new BundleExporter.Request(
                f.run, ExportConfig.Which.BEST, Set.of(ExportConfig.Format.ONNX), foreign, false)));
        assertTrue(e.getMessage().contains("not a Graft bundle"), e.getMessage());
        assertTrue(Files.exists(foreign.resolve("notes.txt")));

        GraftException missing = assertThrows(GraftException.class, () -> exporter.export(
                new BundleExporter.Request(tmp.resolve("nope"), ExportConfig.Which.BEST,
                        Set.of(ExportConfig.Format.ONNX), null, false)));
        assertEquals(GraftException.USAGE, missing.exitCode());
    }
}
