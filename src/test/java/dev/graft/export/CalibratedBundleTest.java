package dev.graft.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.config.HeadConfig;
import dev.graft.metrics.DecisionRule;
import dev.graft.testing.LogHook;
import onnx.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run's {@code decision.json} carried into its bundle: the temperature folded into both model files, the
 * threshold deciding each prediction, and the cases where it must not apply.
 */
class CalibratedBundleTest {
    static final double T = 2.5;

    @TempDir
    Path tmp;

    @Test
    void foldedTemperatureGivesCalibratedProbabilitiesInDl4jAndOnnx() throws IOException {
        BinaryFixture f = BinaryFixture.get();
        BundleExporter.Result result = BinaryFixture.export(f.runWith(f.rule(T, 0.5)), tmp.resolve("bundle"));
        assertEquals(T, result.temperature());
        assertTrue(result.onnxMaxDifference() <= 1e-5, "ONNX self-check " + result.onnxMaxDifference());

        List<Prediction> dl4j;
        List<Prediction> onnx;
        try (Classifier d = Classifier.load(result.folder(), Classifier.Engine.DL4J);
             Classifier o = Classifier.load(result.folder(), Classifier.Engine.ONNX)) {
            assertEquals(T, d.temperature());
            dl4j = d.predictFiles(f.images);
            onnx = o.predictFiles(f.images);
        }
        DecisionRule rule = f.rule(T, 0.5);
        double largestChange = 0;
        for (int i = 0; i < f.images.size(); i++) {
            float[] plain = f.plainProbabilities.get(i);
            double[] expected = rule.calibrate(new double[] {plain[0], plain[1]});
            float[] calibrated = dl4j.get(i).probabilities();
            for (int c = 0; c < 2; c++) {
                assertEquals(expected[c], calibrated[c], 1e-5, "image " + i + " class " + c);
                assertEquals(calibrated[c], onnx.get(i).probabilities()[c], 1e-5, "ONNX vs DL4J, image " + i);
                largestChange = Math.max(largestChange, Math.abs(calibrated[c] - plain[c]));
            }
            assertEquals(plain[0] >= plain[1] ? 0 : 1, dl4j.get(i).index(), "top-1 unchanged, image " + i);
        }
        assertTrue(largestChange > 0.01, "a temperature of 2.5 changes probabilities: " + largestChange);

        JsonNode manifest = Bundle.JSON.readTree(result.folder().resolve(Bundle.MANIFEST).toFile());
        assertEquals(T, manifest.path("temperature").asDouble());
        assertEquals(BundleManifest.FORMAT_VERSION, manifest.path("format_version").asInt());
        assertEquals("single_label", manifest.path("problem").asText());
        assertFalse(manifest.has("label_thresholds") || manifest.has("target"), "no multi-label or regression fields");
        Map<String, String> metadata = new HashMap<>();
        Onnx.ModelProto.parseFrom(Files.readAllBytes(result.folder().resolve(Bundle.ONNX_MODEL)))
                .getMetadataPropsList().forEach(e -> metadata.put(e.getKey(), e.getValue()));
        assertEquals("2.5", metadata.get(OnnxExporter.TEMPERATURE));
        assertEquals("red", metadata.get(OnnxExporter.POSITIVE_CLASS));
        String card = Files.readString(result.folder().resolve(Bundle.MODEL_CARD));
        assertTrue(card.contains("| temperature | 2.5000 (fitted on validation"), card);
    }

    @Test
    void theRuleTrainingWroteIsTheOneExported() throws IOException {
        BinaryFixture f = BinaryFixture.get();
        Path written = f.run.resolve(DecisionRule.FILE);
        assertTrue(Files.isRegularFile(written), "training of a binary task writes " + DecisionRule.FILE);
        DecisionRule rule = DecisionRule.fromJson(Files.readString(written));
        assertEquals(f.epoch, rule.checkpointEpoch(), "written for the best checkpoint, numbered as export reads it");
        BundleExporter.Result result = BinaryFixture.export(f.run, tmp.resolve("bundle"));
        assertEquals(rule.temperature(), result.temperature());
        assertEquals(new BundleManifest.Threshold(rule.positiveClass(), rule.threshold(), rule.operatingPoint()),
                result.decision());
        assertEquals("red", rule.positiveClass(), "the second class in label order by default");
    }

    @Test
    void aRuleWithoutThresholdCalibratesButDecidesNothing() throws IOException {
        BinaryFixture f = BinaryFixture.get();
        BundleExporter.Result result = BinaryFixture.export(f.runWith(new DecisionRule(f.epoch, 0.5, null, -1, null,
                null)), tmp.resolve("bundle"));
        assertNull(result.decision());
        assertEquals(0.5, result.temperature());
        try (Classifier classifier = Classifier.load(result.folder())) {
            assertTrue(classifier.decisionThreshold().isEmpty());
            Prediction p = classifier.predict(f.images.get(5));
            assertTrue(p.decision().isEmpty(), p.toString());
            float[] plain = f.plainProbabilities.get(5);
            assertEquals(new DecisionRule(f.epoch, 0.5, null, -1, null, null).calibrate(new double[] {plain[0],
                    plain[1]})[1], p.probabilities()[1], 1e-5, "sharpened by T = 0.5");
        }
        Map<String, String> metadata = new HashMap<>();
        Onnx.ModelProto.parseFrom(Files.readAllBytes(result.folder().resolve(Bundle.ONNX_MODEL)))
                .getMetadataPropsList().forEach(e -> metadata.put(e.getKey(), e.getValue()));
        assertEquals(Map.of(OnnxExporter.PROBLEM, "single_label", OnnxExporter.TEMPERATURE, "0.5"), metadata);
        String card = Files.readString(result.folder().resolve(Bundle.MODEL_CARD));
        assertTrue(card.contains("| decision | the most probable class (no decision threshold) |"), card);
    }

    @Test
    void theThresholdDecidesNotTheArgmax() throws IOException {
        BinaryFixture f = BinaryFixture.get();
        BinaryFixture.Split split = f.split(T);
        BundleExporter.Result result = BinaryFixture.export(f.runWith(f.rule(T, split.threshold())),
                tmp.resolve("bundle"));
        assertEquals(new BundleManifest.Threshold("red", split.threshold(), "{threshold: " + split.threshold() + "}"),
                result.decision());
        for (Classifier.Engine engine : Classifier.Engine.values()) {
            try (Classifier classifier = Classifier.load(result.folder(), engine)) {
                Prediction below = classifier.predict(split.below());
                Prediction above = classifier.predict(split.above());
                Decision no = below.decision().orElseThrow();
                Decision yes = above.decision().orElseThrow();
                assertFalse(no.positive(), engine + " " + no);
                assertEquals("green", no.label(), "below the threshold: the other class");
                assertTrue(yes.positive(), engine + " " + yes);
                assertEquals("red", yes.label());
                assertTrue(!below.label().equals("green") || !above.label().equals("red"),
                        "the threshold, not the argmax, calls one of them: " + below + "; " + above);
                assertEquals(below.probabilities()[BinaryFixture.POSITIVE], no.positiveProbability());
                assertEquals(split.threshold(), no.threshold());
                assertEquals("red", no.positiveClass());
            }
        }
        JsonNode decision = Bundle.JSON.readTree(result.folder().resolve(Bundle.MANIFEST).toFile())
                .path("decision");
        assertEquals("red", decision.path("positive_class").asText());
        assertEquals(split.threshold(), decision.path("threshold").asDouble());
        assertTrue(decision.path("operating_point").asText().startsWith("{threshold: "), decision.toString());
        String card = Files.readString(result.folder().resolve(Bundle.MODEL_CARD));
        assertTrue(card.contains("| positive class | `red` |"), card);
        assertTrue(card.contains(String.format(java.util.Locale.ROOT, "| threshold | %.6f: `red` when its "
                + "probability is >= the threshold, otherwise `green` |", split.threshold())), card);
        assertTrue(card.contains("| operating point | `{threshold: "), card);
    }

    @Test
    void aDecisionForAnotherEpochIsLeftOutWithAWarning() throws IOException {
        BinaryFixture f = BinaryFixture.get();
        DecisionRule rule = f.rule(T, 0.3);
        Path run = f.runWith(new DecisionRule(f.epoch + 1, T, "red", BinaryFixture.POSITIVE, 0.3, "youden"));
        BundleExporter.Result result;
        try (LogHook warning = LogHook.when(run.resolve(DecisionRule.FILE) + " was chosen for the checkpoint of "
                + "epoch " + (f.epoch + 1), () -> { })) {
            result = BinaryFixture.export(run, tmp.resolve("bundle"));
            assertTrue(warning.fired(), "a warning names decision.json and its epoch");
        }
        assertEquals(1.0, result.temperature());
        assertNull(result.decision());
        JsonNode manifest = Bundle.JSON.readTree(result.folder().resolve(Bundle.MANIFEST).toFile());
        assertEquals(1.0, manifest.path("temperature").asDouble());
        assertTrue(manifest.path("decision").isNull(), manifest.toString());
        try (Classifier classifier = Classifier.load(result.folder())) {
            Prediction p = classifier.predict(f.images.get(0));
            assertTrue(p.decision().isEmpty());
            assertEquals(f.plainProbabilities.get(0)[1], p.probabilities()[1], 1e-6, "uncalibrated");
            assertTrue(Math.abs(rule.calibrate(new double[] {p.probabilities()[0], p.probabilities()[1]})[1]
                    - p.probabilities()[1]) > 1e-3, "the rule's temperature would have changed it");
        }
    }

    @Test
    void aBundleJsonWithoutTheNewFieldsStillLoads() throws IOException {
        BinaryFixture f = BinaryFixture.get();
        Path old = copy(f.plainBundle, tmp.resolve("old"));
        ObjectNode manifest = (ObjectNode) Bundle.JSON.readTree(old.resolve(Bundle.MANIFEST).toFile());
        manifest.remove(List.of("temperature", "decision", "problem"));
        manifest.put("format_version", 1);
        Bundle.JSON.writeValue(old.resolve(Bundle.MANIFEST).toFile(), manifest);
        assertFalse(Files.readString(old.resolve(Bundle.MANIFEST)).contains("temperature"));

        try (Classifier classifier = Classifier.load(old)) {
            assertEquals(1.0, classifier.manifest().temperature());
            assertNull(classifier.manifest().decision());
            assertEquals(HeadConfig.Problem.SINGLE_LABEL, classifier.problem(), "layouts before 3 are single-label");
            assertEquals(1.0, classifier.temperature());
            assertTrue(classifier.decisionThreshold().isEmpty());
            Prediction p = classifier.predict(f.images.get(3));
            assertTrue(p.decision().isEmpty());
            assertEquals(f.plainProbabilities.get(3)[0], p.probabilities()[0], 1e-6);
        }
    }

    @Test
    void decisionsThatDoNotFitTheModelAreUsageErrors() throws IOException {
        BinaryFixture f = BinaryFixture.get();
        Path bundle = copy(f.plainBundle, tmp.resolve("bundle"));
        ObjectNode manifest = (ObjectNode) Bundle.JSON.readTree(bundle.resolve(Bundle.MANIFEST).toFile());
        manifest.putObject("decision").put("positive_class", "blue").put("threshold", 0.4);
        Bundle.JSON.writeValue(bundle.resolve(Bundle.MANIFEST).toFile(), manifest);
        GraftException unknown = assertThrows(GraftException.class, () -> Classifier.load(bundle));
        assertEquals(GraftException.USAGE, unknown.exitCode());
        assertTrue(unknown.getMessage().contains("positive class 'blue', which is not in labels.json"),
                unknown.getMessage());

        manifest.putObject("decision").put("positive_class", "red");
        Bundle.JSON.writeValue(bundle.resolve(Bundle.MANIFEST).toFile(), manifest);
        GraftException noThreshold = assertThrows(GraftException.class, () -> Classifier.load(bundle));
        assertTrue(noThreshold.getMessage().contains("a decision needs a numeric threshold"),
                noThreshold.getMessage());

        Path run = f.runWith(null);
        Files.writeString(run.resolve(DecisionRule.FILE), "{\"checkpoint_epoch\": 1, \"temperature\": -2}");
        GraftException bad = assertThrows(GraftException.class, () -> BinaryFixture.export(run,
                tmp.resolve("out")));
        assertEquals(GraftException.USAGE, bad.exitCode());
        assertTrue(bad.getMessage().contains("decision.json is not valid: temperature must be a positive number"),
                bad.getMessage());
        assertFalse(Files.exists(tmp.resolve("out")), "no bundle from an invalid decision.json");
    }

    @Test
    void aBundleFormatNewerThanThisGraftIsRefused() throws IOException {
        BinaryFixture f = BinaryFixture.get();
        Path bundle = copy(f.plainBundle, tmp.resolve("newer"));
        ObjectNode manifest = (ObjectNode) Bundle.JSON.readTree(bundle.resolve(Bundle.MANIFEST).toFile());
        manifest.put("format_version", BundleManifest.FORMAT_VERSION + 1);
        Bundle.JSON.writeValue(bundle.resolve(Bundle.MANIFEST).toFile(), manifest);
        GraftException newer = assertThrows(GraftException.class, () -> Classifier.load(bundle));
        assertEquals(GraftException.USAGE, newer.exitCode());
        assertTrue(newer.getMessage().contains("bundle.json has format_version " + (BundleManifest.FORMAT_VERSION + 1)
                + ", but this Graft reads versions 1 to " + BundleManifest.FORMAT_VERSION), newer.getMessage());

        manifest.put("format_version", 3).put("problem", "multi_label");
        Bundle.JSON.writeValue(bundle.resolve(Bundle.MANIFEST).toFile(), manifest);
        GraftException noThresholds = assertThrows(GraftException.class, () -> Classifier.load(bundle));
        assertEquals(GraftException.USAGE, noThresholds.exitCode());
        assertTrue(noThresholds.getMessage().contains("label_thresholds are missing; a multi-label bundle needs one "
                + "per label"), noThresholds.getMessage());
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (var s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }
}
