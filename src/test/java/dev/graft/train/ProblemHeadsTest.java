package dev.graft.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.GraftException;
import dev.graft.config.ConfigLoader;
import dev.graft.config.ExperimentConfig;
import dev.graft.config.ExportConfig;
import dev.graft.data.SyntheticShapes;
import dev.graft.export.BundleExporter;
import dev.graft.export.Classifier;
import dev.graft.run.RunDirectory;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Multi-label and regression heads end to end on Graft's synthetic manifests (issue 17): a CIFAR ResNet-20 from
 * scratch at 24 px learns which shapes an image holds and how big its shape is, and a resumed run equals an
 * uninterrupted one.
 */
class ProblemHeadsTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void makeData() {
        SyntheticShapes.generateMultiLabel(dir.resolve("multi"), 96, 16, 11);
        SyntheticShapes.generateSizes(dir.resolve("sizes"), 160, 16, 12);
        SyntheticShapes.generateMultiLabel(dir.resolve("multi-small"), 32, 16, 13);
        SyntheticShapes.generateSizes(dir.resolve("sizes-small"), 32, 16, 14);
    }

    static ExperimentConfig config(String problem, String name, int epochs, String... overrides) throws IOException {
        return config(problem, "", name, epochs, overrides);
    }

    /** The experiment on the {@code multi}/{@code sizes} set with {@code suffix} (e.g. "-small"). */
    static ExperimentConfig config(String problem, String suffix, String name, int epochs, String... overrides)
            throws IOException {
        boolean multi = problem.equals("multi_label");
        Path root = dir.resolve((multi ? "multi" : "sizes") + suffix);
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, """
                name: %s
                seed: 5
                backbone: {arch: resnet20_cifar, weights: none}
                head: {problem: %s, hidden: [16]}
                data:
                  csv: {file: %s, images: %s, label_column: %s}
                  split: {val: 0.25}
                  image_size: 16
                  workers: 2
                train:
                  epochs: %d
                  batch_size: 8
                  optimizer: {type: adamw, lr: 5.0e-3}
                  schedule: {type: cosine}
                """.formatted(name, problem, root.resolve(SyntheticShapes.MANIFEST), root.resolve("images"),
                multi ? SyntheticShapes.LABELS_COLUMN : SyntheticShapes.SIZE_COLUMN, epochs));
        return new ConfigLoader().load(file, List.of(overrides));
    }

    /** Stopped inside epoch 1 and resumed: the same records and parameters as one uninterrupted run. */
    @ParameterizedTest
    @ValueSource(strings = {"multi_label", "regression"})
    void resumedRunEqualsUninterruptedRun(String problem) throws IOException {
        ExperimentConfig config = config(problem, "-small", "resume-" + problem, 2);
        TrainResult whole;
        try (RunDirectory run = TestRuns.newRun(dir, config)) {
            whole = TestRuns.train(config, new StopSignal(), null, run);
        }
        Path runPath;
        try (RunDirectory run = TestRuns.newRun(dir, config)) {
            runPath = run.path();
            TrainResult first = TestRuns.train(config, StopSignal.afterBatches(2), null, run); // mid-epoch 1 (3 batches)
            assertEquals(TrainResult.Status.INTERRUPTED, first.status());
        }
        TrainResult resumed;
        try (RunDirectory run = RunDirectory.open(runPath)) {
            resumed = TestRuns.train(config, new StopSignal(), runPath.resolve("checkpoints/last.zip"), run);
        }
        assertEquals(TrainResult.Status.COMPLETED, resumed.status());
        assertEquals(2, resumed.history().size());
        String metric = problem.equals("multi_label") ? "val_mauroc" : "val_mae";
        for (int i = 0; i < 2; i++) {
            EpochRecord a = whole.history().get(i);
            EpochRecord b = resumed.history().get(i);
            assertEquals(a.trainLoss(), b.trainLoss(), 1e-5, "train loss, epoch " + a.epoch());
            assertEquals(a.valLoss(), b.valLoss(), 1e-5, "val loss, epoch " + a.epoch());
            assertEquals(a.metric(metric), b.metric(metric), 1e-5, metric + ", epoch " + a.epoch());
        }
        ComputationGraph wholeModel = ModelSerializer.restoreComputationGraph(
                whole.runDirectory().resolve("checkpoints/last.zip").toFile(), false);
        ComputationGraph resumedModel = ModelSerializer.restoreComputationGraph(
                runPath.resolve("checkpoints/last.zip").toFile(), false);
        double diff = wholeModel.params().sub(resumedModel.params()).amaxNumber().doubleValue();
        assertTrue(diff < 1e-5, "final parameters equal (max abs diff " + diff + ")");
        assertEquals(Checkpoints.read(whole.bestCheckpoint()).state().targetScaling(),
                Checkpoints.read(resumed.bestCheckpoint()).state().targetScaling());
    }

    @Test
    void multiLabelHeadLearnsWhichShapesAnImageHolds() throws IOException {
        ExperimentConfig config = config("multi_label", "multi", 4);
        TrainResult result;
        try (RunDirectory run = TestRuns.newRun(dir, config)) {
            result = TestRuns.train(config, new StopSignal(), null, run);
        }
        assertEquals(TrainResult.Status.COMPLETED, result.status());
        double best = result.bestValue();
        System.out.println("multi-label val macro AUROC per epoch: "
                + result.history().stream().map(r -> r.metric("val_mauroc")).toList());
        assertTrue(best >= 0.95, "best val macro AUROC " + best);
        Path run = result.runDirectory();
        assertEquals(String.join(",", EpochRecord.columns(config.head().problem())),
                Files.readAllLines(run.resolve("metrics.csv")).get(0));
        JsonNode val = new ObjectMapper().readTree(run.resolve("val-metrics.json").toFile());
        assertEquals(best, val.path("mauroc").asDouble(), 1e-9, "the best checkpoint scored again gives its AUROC");
        assertEquals(3, val.path("per_label").size());
        List<String> rows = Files.readAllLines(run.resolve("val-predictions.csv"));
        assertEquals("path,y_circle,y_square,y_triangle,p_circle,p_square,p_triangle", rows.get(0));
        assertEquals(val.path("count").asInt() + 1, rows.size());
        assertMultiLabelReport(run, val, rows);

        // The trained model deploys: its ONNX export equals DL4J, and the bundle gives validation's probabilities.
        BundleExporter.Result export = new BundleExporter("test").export(new BundleExporter.Request(run,
                ExportConfig.Which.BEST, Set.of(ExportConfig.Format.DL4J, ExportConfig.Format.ONNX),
                dir.resolve("bundle"), false));
        assertTrue(export.onnxMaxDifference() <= 1e-5, "ONNX vs DL4J " + export.onnxMaxDifference());
        try (Classifier classifier = Classifier.load(export.folder())) {
            for (String row : rows.subList(1, rows.size())) {
                String[] cells = row.split(",");
                float[] p = classifier.predict(Path.of(cells[0])).probabilities();
                for (int j = 0; j < 3; j++) {
                    assertEquals(Double.parseDouble(cells[4 + j]), p[j], 2e-6, cells[0] + " label " + j);
                }
            }
        }
        GraftException evaluate = assertThrows(GraftException.class, () -> TestSetEvaluation.run(run, null, null));
        assertEquals(GraftException.USAGE, evaluate.exitCode());
        assertTrue(evaluate.getMessage().startsWith("the run's data has no test split"), evaluate.getMessage());
    }

    @Test
    void regressionHeadLearnsTheShapeSizeInPixels() throws IOException {
        ExperimentConfig config = config("regression", "sizes", 10);
        TrainResult result;
        try (RunDirectory run = TestRuns.newRun(dir, config)) {
            result = TestRuns.train(config, new StopSignal(), null, run);
        }
        assertEquals(TrainResult.Status.COMPLETED, result.status());
        Path run = result.runDirectory();
        List<String> rows = Files.readAllLines(run.resolve("val-predictions.csv"));
        assertEquals("path,target,predicted", rows.get(0));
        double[] targets = rows.stream().skip(1).mapToDouble(r -> Double.parseDouble(r.split(",")[1])).toArray();
        double mean = java.util.Arrays.stream(targets).average().orElseThrow();
        double std = Math.sqrt(java.util.Arrays.stream(targets).map(t -> (t - mean) * (t - mean)).sum()
                / targets.length);
        double mae = rows.stream().skip(1).mapToDouble(r -> Math.abs(Double.parseDouble(r.split(",")[1])
                - Double.parseDouble(r.split(",")[2]))).average().orElseThrow();
        System.out.println("regression val MAE per epoch: "
                + result.history().stream().map(r -> r.metric("val_mae")).toList() + ", target std " + std);
        assertEquals(result.bestValue(), mae, 1e-3, "val MAE in pixels, from the predictions CSV");
        assertRegressionReport(run, rows);
        assertTrue(mae < 0.1 * std, "val MAE " + mae + " vs target std " + std);
        Checkpoints.Loaded best = Checkpoints.read(result.bestCheckpoint());
        assertNotNull(best.state().targetScaling(), "the standardisation is stored with the model");

        // Exported, the standardisation is folded into the output layer: ONNX and DL4J answer in pixels.
        BundleExporter.Result export = new BundleExporter("test").export(new BundleExporter.Request(run,
                ExportConfig.Which.BEST, Set.of(ExportConfig.Format.DL4J, ExportConfig.Format.ONNX),
                dir.resolve("sizes-bundle"), false));
        assertTrue(export.onnxMaxDifference() <= 1e-5, "ONNX vs DL4J (relative) " + export.onnxMaxDifference());
        try (Classifier classifier = Classifier.load(export.folder(), Classifier.Engine.ONNX)) {
            for (String row : rows.subList(1, rows.size())) {
                String[] cells = row.split(",");
                double predicted = Double.parseDouble(cells[2]);
                assertEquals(predicted, classifier.predict(Path.of(cells[0])).value(), 1e-5 * Math.max(1,
                        Math.abs(predicted)), cells[0]);
            }
        }
    }

    /**
     * Issue 17 and 18: the report's per-label table has each label's prevalence (from the predictions file), AUROC
     * and average precision (from val-metrics.json), per-label curves, and the highest-loss gallery starts with the
     * row of the largest summed binary cross-entropy.
     */
    private static void assertMultiLabelReport(Path run, JsonNode val, List<String> rows) throws IOException {
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.length() < ReportGalleries.SIZE_CAP, "report size " + html.length());
        assertTrue(html.contains("<h3>Per label</h3>"), "per-label table");
        String worst = null;
        double worstLoss = -1;
        int[] positives = new int[3];
        for (String row : rows.subList(1, rows.size())) {
            String[] c = row.split(",", -1);
            double loss = 0;
            for (int j = 0; j < 3; j++) {
                int y = Integer.parseInt(c[1 + j]);
                double p = Double.parseDouble(c[4 + j]);
                positives[j] += y;
                loss -= y == 1 ? Math.log(p) : Math.log(1 - p);
            }
            if (loss > worstLoss) {
                worst = c[0];
                worstLoss = loss;
            }
        }
        for (int j = 0; j < 3; j++) {
            JsonNode label = val.path("per_label").path(j);
            String expected = String.format(Locale.ROOT, "<td style='text-align:left'>%s</td><td>%.3f</td>"
                            + "<td>%.3f</td><td>%.3f</td>", label.path("label").asText(),
                    (double) positives[j] / (rows.size() - 1), label.path("auroc").asDouble(),
                    label.path("average_precision").asDouble());
            assertTrue(html.contains(expected), expected);
        }
        assertTrue(Files.size(run.resolve("plots/roc-per-label.png")) > 0, "per-label ROC curves");
        List<ReportGalleries.Figure> highest = ReportGalleries.gallery(html, "Highest loss (val)");
        assertEquals(GalleryReport.PER_GALLERY, highest.size());
        assertEquals(worst, highest.get(0).path(), "the largest loss in val-predictions.csv comes first");
        highest.forEach(f -> ReportGalleries.assertImageWithOverlay(f, 16));
    }

    /**
     * Issue 17: the report shows MAE/RMSE/R² as val-metrics.json has them and embeds the predicted-vs-true and
     * residual plots; its largest-error gallery starts with the row of the largest absolute error.
     */
    private static void assertRegressionReport(Path run, List<String> rows) throws IOException {
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.length() < ReportGalleries.SIZE_CAP, "report size " + html.length());
        JsonNode val = new ObjectMapper().readTree(run.resolve("val-metrics.json").toFile());
        assertTrue(html.contains(String.format(Locale.ROOT, "<td>%.3f</td><td>%.3f</td><td>%.3f</td></tr>",
                val.path("mae").asDouble(), val.path("rmse").asDouble(), val.path("r2").asDouble())), "MAE, RMSE, R²");
        for (String plot : List.of("predicted-vs-true", "residuals")) {
            byte[] png = Files.readAllBytes(run.resolve("plots/" + plot + ".png"));
            assertTrue(html.contains(Base64.getEncoder().encodeToString(png)), plot + " embedded");
        }
        String worst = null;
        double worstError = -1;
        for (String row : rows.subList(1, rows.size())) {
            String[] c = row.split(",");
            double error = Math.abs(Double.parseDouble(c[2]) - Double.parseDouble(c[1]));
            if (error > worstError) {
                worst = c[0];
                worstError = error;
            }
        }
        List<ReportGalleries.Figure> largest = ReportGalleries.gallery(html, "Largest errors (val)");
        assertEquals(worst, largest.get(0).path());
        largest.forEach(f -> ReportGalleries.assertImageWithOverlay(f, 16));
    }
}
