package dev.graft.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.GraftException;
import dev.graft.config.ExperimentConfig;
import dev.graft.metrics.BinaryCurve;
import dev.graft.metrics.DecisionRule;
import dev.graft.run.RunDirectory;
import dev.graft.testing.ColourFolders;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A binary run with a test split, temperature calibration and an operating point: what a clinical user reads
 * after training (decision.json, val/test metrics and predictions, the report) agrees with itself and with the
 * per-image files.
 */
class FinalEvaluationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static Path run;
    static TrainResult result;
    static ExperimentConfig trained;

    @BeforeAll
    static void trainBinaryRun() throws IOException {
        ColourFolders.colourFolders(dir.resolve("colours"), 24, 24, 11);
        deleteTree(dir.resolve("colours/green")); // blue vs red: a binary task, red is the second class
        ExperimentConfig config = config("binary", 2, "data.root=" + dir.resolve("colours"),
                "data.split.val=0.3", "data.split.test=0.3", "train.schedule.warmup_epochs=0",
                "evaluation.calibration=temperature", "evaluation.operating_point.sensitivity=0.9",
                "checkpoint.monitor=val_auroc", "evaluation.tta=[hflip]");
        try (RunDirectory r = TestRuns.newRun(dir, config)) {
            result = TestRuns.train(config, new StopSignal(), null, r);
        }
        run = result.runDirectory();
        trained = config;
    }

    @Test
    void everyEpochHasThresholdFreeValidationMetrics() throws IOException {
        List<String> csv = Files.readAllLines(run.resolve("metrics.csv"));
        List<String> header = Arrays.asList(csv.get(0).split(",", -1));
        for (String column : List.of("val_auroc", "val_pr_auc", "val_log_loss", "val_brier", "val_ece")) {
            int c = header.indexOf(column);
            assertTrue(c >= 0, column + " in " + header);
            for (String row : csv.subList(1, csv.size())) {
                double v = Double.parseDouble(row.split(",", -1)[c]);
                assertTrue(v >= 0 && (column.equals("val_log_loss") || v <= 1), column + " = " + v);
            }
        }
        EpochRecord best = result.history().stream().filter(r -> r.epoch() == result.bestEpoch()).findFirst()
                .orElseThrow();
        assertEquals(best.metric("val_auroc"), result.bestValue(), 1e-12, "checkpoint.monitor: val_auroc");
    }

    @Test
    void decisionRuleIsFittedOnValidation() throws IOException {
        DecisionRule rule = DecisionRule.fromJson(Files.readString(run.resolve(DecisionRule.FILE)));
        assertEquals("red", rule.positiveClass(), "default positive class: the second in label order");
        assertEquals(1, rule.positiveIndex());
        assertEquals(result.bestEpoch(), rule.checkpointEpoch());
        assertEquals("sensitivity >= 0.9", rule.operatingPoint());
        assertTrue(rule.temperature() > 0 && rule.temperature() != 1.0, "a temperature was fitted");
        JsonNode val = JSON.readTree(run.resolve("val-metrics.json").toFile());
        assertTrue(val.get("sensitivity").asDouble() >= 0.9, "the chosen point meets its target on validation");
        assertEquals(rule.threshold(), val.get("threshold").asDouble(), 0);
        EpochRecord best = result.history().stream().filter(r -> r.epoch() == result.bestEpoch()).findFirst()
                .orElseThrow();
        assertEquals(best.valTop1(), val.get("top1").asDouble(), 1e-9, "temperature scaling keeps top-1");
        assertTrue(val.get("ece").asDouble() <= val.get("ece_uncalibrated").asDouble() + 1e-9,
                "the NLL-optimal temperature does not worsen validation ECE here");
    }

    @Test
    void testSplitIsScoredAndItsFilesAgree() throws IOException {
        JsonNode test = JSON.readTree(run.resolve("test-metrics.json").toFile());
        for (String key : List.of("top1", "balanced_accuracy", "auroc", "pr_auc", "ece", "threshold", "sensitivity",
                "specificity", "ppv", "npv", "temperature", "per_class", "confusion")) {
            assertTrue(test.hasNonNull(key), "test-metrics.json has " + key + ": " + test);
        }
        List<String> rows = Files.readAllLines(run.resolve("test-predictions.csv"));
        assertEquals("path,label,predicted,p_blue,p_red,decision", rows.get(0));
        assertEquals(test.get("count").asInt(), rows.size() - 1);
        double threshold = test.get("threshold").asDouble();
        double[] scores = new double[rows.size() - 1];
        boolean[] positive = new boolean[scores.length];
        long tp = 0;
        for (int i = 0; i < scores.length; i++) {
            String[] c = rows.get(i + 1).split(",");
            assertTrue(Files.isRegularFile(Path.of(c[0])), "path column: " + c[0]);
            scores[i] = Double.parseDouble(c[4]);
            positive[i] = c[1].equals("red");
            assertEquals(scores[i] >= threshold ? "red" : "blue", c[5], "decision at the threshold");
            assertEquals(1.0, Double.parseDouble(c[3]) + scores[i], 1e-9, "probabilities sum to 1");
            tp += positive[i] && c[5].equals("red") ? 1 : 0;
        }
        assertEquals(BinaryCurve.of(scores, positive).auroc(), test.get("auroc").asDouble(), 1e-12,
                "AUROC recomputed from test-predictions.csv");
        assertEquals(test.get("tp").asLong(), tp);
        assertEquals("[\"identity\",\"hflip\"]", test.get("tta").toString(), "scored with test-time augmentation");
        JsonNode plain = test.get("without_tta");
        for (String key : List.of("top1", "auroc", "sensitivity", "specificity", "ece")) {
            assertTrue(plain.hasNonNull(key), "the metrics without TTA too: " + key);
        }
        assertEquals(test.get("threshold").asDouble(), plain.get("threshold").asDouble(), 0, "one decision rule");
        assertTrue(Files.readString(run.resolve("report.html")).contains("<td style='text-align:left'>test without TTA"
                + "</td>"), "the report shows the metrics with and without test-time augmentation");
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.contains("Final model") && html.contains("<td style='text-align:left'>test</td>"), "report");
        assertTrue(Files.size(run.resolve("plots/roc.png")) > 0 && Files.size(run.resolve("plots/reliability.png")) > 0);
    }

    /** Exported equals trained with test-time augmentation: the bundle averages the same views, both engines. */
    @Test
    void theBundleAppliesTheRunsTestTimeAugmentation() throws IOException {
        Path bundle = dir.resolve("tta-bundle");
        new dev.graft.export.BundleExporter("test").export(new dev.graft.export.BundleExporter.Request(run, dev.graft.config.ExportConfig.Which.BEST,
                java.util.Set.of(dev.graft.config.ExportConfig.Format.DL4J, dev.graft.config.ExportConfig.Format.ONNX),
                bundle, false));
        JsonNode manifest = JSON.readTree(bundle.resolve("bundle.json").toFile());
        assertEquals("[\"hflip\"]", manifest.get("tta").toString());
        List<String> rows = Files.readAllLines(run.resolve("test-predictions.csv"));
        for (dev.graft.export.Classifier.Engine engine : dev.graft.export.Classifier.Engine.values()) {
            try (dev.graft.export.Classifier classifier = dev.graft.export.Classifier.load(bundle, engine)) {
                for (String row : rows.subList(1, rows.size())) {
                    String[] c = row.split(",");
                    dev.graft.export.Prediction p = classifier.predict(Path.of(c[0]));
                    assertEquals(Double.parseDouble(c[4]), p.probabilities()[1], 1e-5, engine + " " + c[0]);
                    assertEquals(c[5], p.decision().orElseThrow().label(), engine + " decision " + c[0]);
                }
            }
        }
    }

    /** Issue 18: each scored split's galleries show the rows of its predictions file, each with its Grad-CAM. */
    @Test
    void reportGalleriesShowEachSplitsHighestLossImagesWithTheirOverlays() throws IOException {
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(Files.size(run.resolve("report.html")) < ReportGalleries.SIZE_CAP, "report size "
                + Files.size(run.resolve("report.html")));
        for (String split : List.of("val", "test")) {
            List<String> rows = Files.readAllLines(run.resolve(split + "-predictions.csv"));
            String worst = null;
            double worstLoss = -1;
            int mistakes = 0;
            for (String row : rows.subList(1, rows.size())) {
                String[] c = row.split(",");
                double loss = -Math.log(Double.parseDouble(c[1].equals("blue") ? c[3] : c[4]));
                if (loss > worstLoss) {
                    worst = c[0];
                    worstLoss = loss;
                }
                mistakes += c[1].equals(c[5]) ? 0 : 1;
            }
            List<ReportGalleries.Figure> highest = ReportGalleries.gallery(html, "Highest loss (" + split + ")");
            assertEquals(Math.min(GalleryReport.PER_GALLERY, rows.size() - 1), highest.size());
            assertEquals(worst, highest.get(0).path(), "the first image has the largest loss in the " + split
                    + " predictions file");
            highest.forEach(f -> ReportGalleries.assertImageWithOverlay(f, 24));
            assertEquals(Math.min(GalleryReport.PER_GALLERY, mistakes),
                    ReportGalleries.gallery(html, "Most confident mistakes (" + split + ")").size());
            List<ReportGalleries.Figure> correct = ReportGalleries.gallery(html, "Correct examples (" + split + ")");
            assertTrue(!correct.isEmpty() && correct.size() <= 2 * GalleryReport.CORRECT_PER_CLASS, "correct: "
                    + correct.size());
            for (ReportGalleries.Figure f : correct) {
                String row = rows.stream().filter(r -> r.startsWith(f.path() + ",")).findFirst().orElseThrow();
                String[] c = row.split(",");
                assertEquals(c[1], c[5], "a correct example is decided as its class: " + row);
            }
        }
    }

    /** The galleries rank the rows of a predictions file as they say, and survive an image that has gone. */
    @Test
    void galleriesRankMistakesLossesAndCorrectExamplesOfThePredictionsFile() throws IOException {
        List<Path> blue = images("blue");
        List<Path> red = images("red");
        Path gone = dir.resolve("gone/blue/9999.png");
        Path folder = Files.createDirectories(dir.resolve("crafted"));
        Files.writeString(folder.resolve("val-predictions.csv"), "path,label,predicted,p_blue,p_red,decision\n"
                + row(blue.get(0), "blue", 0.95) + row(blue.get(1), "blue", 0.60) + row(blue.get(2), "blue", 0.30)
                + row(red.get(0), "red", 0.10) + row(red.get(1), "red", 0.80) + row(red.get(2), "red", 0.45)
                + row(gone, "blue", 0.97));
        String html = new GalleryReport(folder, trained, run.resolve("checkpoints/best.zip")).html();
        assertEquals(List.of(red.get(1), blue.get(2)), paths(ReportGalleries.gallery(html,
                "Most confident mistakes (val)")));
        assertEquals(List.of(red.get(1), blue.get(2), red.get(2), blue.get(1), red.get(0), blue.get(0), gone),
                paths(ReportGalleries.gallery(html, "Highest loss (val)")));
        List<ReportGalleries.Figure> correct = ReportGalleries.gallery(html, "Correct examples (val)");
        assertEquals(List.of(gone, blue.get(0), red.get(0), red.get(2)), paths(correct));
        assertTrue(correct.get(0).html().contains("image unreadable: no such image file"), correct.get(0).html());
        correct.subList(1, 4).forEach(f -> ReportGalleries.assertImageWithOverlay(f, 24));
        assertTrue(!html.contains("(test)"), "no test gallery without test-predictions.csv");
    }

    private static List<Path> images(String colour) throws IOException {
        try (var files = Files.list(dir.resolve("colours").resolve(colour))) {
            return files.sorted().limit(3).toList();
        }
    }

    /** A predictions row of a binary task decided at 0.5. */
    private static String row(Path image, String label, double blue) {
        return image + "," + label + "," + (blue >= 0.5 ? "blue" : "red") + "," + blue + "," + (1 - blue) + ","
                + (blue > 0.5 ? "blue" : "red") + "\n";
    }

    private static List<Path> paths(List<ReportGalleries.Figure> figures) {
        return figures.stream().map(f -> Path.of(f.path())).toList();
    }

    @Test
    void evaluateWithoutDataRescoresTheRunsOwnTestSplit() throws IOException {
        JsonNode trained = JSON.readTree(run.resolve("test-metrics.json").toFile());
        Files.delete(run.resolve("test-metrics.json"));
        TestSetEvaluation.Outcome again = TestSetEvaluation.run(run, null, null);
        assertEquals(run.resolve("test-metrics.json"), again.metricsJson());
        JsonNode rescored = JSON.readTree(again.metricsJson().toFile());
        for (String key : List.of("count", "top1", "auroc", "ece", "threshold", "sensitivity", "specificity")) {
            assertEquals(trained.get(key).asDouble(), rescored.get(key).asDouble(), 1e-9, key);
        }
    }

    @Test
    void aPositiveClassThatIsNotInTheDataFailsBeforeTraining() throws IOException {
        ExperimentConfig config = config("bad-positive", 1, "data.root=" + dir.resolve("colours"),
                "data.positive_class=green");
        try (RunDirectory r = TestRuns.newRun(dir, config)) {
            GraftException e = assertThrows(GraftException.class,
                    () -> TestRuns.train(config, new StopSignal(), null, r));
            assertTrue(e.getMessage().contains("'green' is not a class of the data [blue, red]"), e.getMessage());
            assertTrue(!Files.exists(r.path().resolve("checkpoints")), "nothing was trained");
        }
    }

    private static ExperimentConfig config(String name, int epochs, String... overrides) throws IOException {
        return dev.graft.testing.TinyExperiments.config(dir, name, epochs, overrides);
    }

    private static void deleteTree(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
