package dev.graft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.config.HeadConfig;
import dev.graft.data.SyntheticShapes;
import dev.graft.GraftException;
import dev.graft.export.Classifier;
import dev.graft.export.Explanation;
import dev.graft.export.LabelScore;
import dev.graft.export.Prediction;
import dev.graft.serve.InferenceServer;
import dev.graft.serve.ServerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A multi-label and a regression model deployed as a user would (issue 17): {@code graft train} (one epoch on 32
 * synthetic images with a test split, exporting DL4J and ONNX), then the bundle's predictions through
 * {@link Classifier}, {@code graft predict} and {@code graft serve}'s JSON equal what training wrote in {@code test-predictions.csv}, ONNX
 * Runtime equals DL4J within 1e-5, and {@code graft evaluate --model RUN} writes the same test metrics again.
 * What is compared is the deployment path, not model quality.
 */
class TargetHeadsDeploymentTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Trains one epoch of {@code problem} with a test split and the export of both formats; the run folder. */
    private Path train(String problem) throws IOException {
        boolean multi = problem.equals("multi_label");
        Path data = dir.resolve("data");
        if (multi) {
            SyntheticShapes.generateMultiLabel(data, 32, 16, 21);
        } else {
            SyntheticShapes.generateSizes(data, 32, 16, 22);
        }
        Path config = dir.resolve(problem + ".yaml");
        Files.writeString(config, """
                name: %s
                seed: 5
                backbone: {arch: resnet20_cifar, weights: none}
                head: {problem: %s}
                data:
                  csv: {file: %s, images: %s, label_column: %s}
                  split: {val: 0.25, test: 0.25}
                  image_size: 16
                  workers: 1
                train:
                  epochs: 1
                  batch_size: 8
                export: {formats: [dl4j, onnx]}
                evaluation: {tta: %s}
                """.formatted(problem, problem, data.resolve(SyntheticShapes.MANIFEST), data.resolve("images"),
                multi ? SyntheticShapes.LABELS_COLUMN : SyntheticShapes.SIZE_COLUMN, tta(problem)));
        CliRun train = CliRun.of("train", "--config", config.toString(), "--runs-dir", dir.resolve("runs").toString());
        assertEquals(0, train.code(), train.err());
        try (Stream<Path> runs = Files.list(dir.resolve("runs").resolve(problem))) {
            return runs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    /** The rows of a CSV without quoted cells: column name to cell. */
    private static List<Map<String, String>> rows(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        String[] header = lines.get(0).split(",", -1);
        List<Map<String, String>> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i], cells[i]);
            }
            out.add(row);
        }
        return out;
    }

    /** What {@code POST /v1/predict} answers for one image. */
    private static JsonNode served(InferenceServer server, Path image) throws IOException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.uri().resolve("/v1/predict"))
                    .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(
                            Files.readAllBytes(image))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            return JSON.readTree(response.body()).path("predictions").get(0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Test
    void multiLabelBundleAnswersWithItsValidationThresholds() throws IOException {
        Path run = train("multi_label");
        Path bundle = run.resolve("export");
        JsonNode manifest = JSON.readTree(bundle.resolve("bundle.json").toFile());
        JsonNode decision = JSON.readTree(run.resolve("decision.json").toFile());
        assertEquals(dev.graft.export.BundleManifest.FORMAT_VERSION, manifest.path("format_version").asInt());
        assertEquals("multi_label", manifest.path("problem").asText());
        assertEquals(decision.path("label_thresholds"), manifest.path("label_thresholds"),
                "the bundle carries the thresholds tuned on validation");
        List<String> labels = new ArrayList<>();
        manifest.path("label_thresholds").fieldNames().forEachRemaining(labels::add);
        assertEquals(List.of("circle", "square", "triangle"), labels);

        List<Map<String, String>> test = rows(run.resolve("test-predictions.csv"));
        List<Path> images = test.stream().map(r -> Path.of(r.get("path"))).toList();
        try (Classifier dl4j = Classifier.load(bundle, Classifier.Engine.DL4J);
             Classifier onnx = Classifier.load(bundle, Classifier.Engine.ONNX)) {
            assertEquals(HeadConfig.Problem.MULTI_LABEL, dl4j.problem());
            List<Prediction> fromDl4j = dl4j.predictFiles(images);
            List<Prediction> fromOnnx = onnx.predictFiles(images);
            for (int i = 0; i < images.size(); i++) {
                List<String> present = new ArrayList<>();
                for (int j = 0; j < labels.size(); j++) {
                    String label = labels.get(j);
                    double p = fromDl4j.get(i).probabilities()[j];
                    assertEquals(Double.parseDouble(test.get(i).get("p_" + label)), p, 2e-6,
                            images.get(i) + " p_" + label + " as training scored it");
                    assertEquals(p, fromOnnx.get(i).probabilities()[j], 1e-5, "ONNX Runtime equals DL4J");
                    if (p >= manifest.path("label_thresholds").path(label).asDouble()) {
                        present.add(label);
                    }
                }
                assertEquals(present, fromDl4j.get(i).present().stream().map(LabelScore::label).toList());
            }
        }

        Path csv = dir.resolve("predictions.csv");
        CliRun predict = CliRun.of("predict", "--model", bundle.toString(), "--csv", csv.toString(),
                images.get(0).toString(), images.get(1).toString());
        assertEquals(0, predict.code(), predict.err());
        List<String> lines = Files.readAllLines(csv);
        assertEquals("path,p_circle,p_square,p_triangle,labels,error", lines.get(0));
        Map<String, String> first = rows(csv).get(0);
        assertEquals(test.get(0).get("p_square"), first.get("p_square"), "the CSV cell as training wrote it");
        try (Classifier dl4j = Classifier.load(bundle);
             InferenceServer server = InferenceServer.start(dl4j, ServerOptions.defaults(0))) {
            Prediction p = dl4j.predict(images.get(0));
            List<String> present = p.present().stream().map(LabelScore::label).toList();
            assertEquals(String.join("|", present), first.get("labels"));
            JsonNode served = served(server, images.get(0));
            assertEquals(present, JSON.convertValue(served.path("labels"), List.class), served.toString());
            for (int j = 0; j < labels.size(); j++) {
                assertEquals(p.probabilities()[j], served.path("probabilities").path(labels.get(j)).floatValue(),
                        served.toString());
            }
            assertTrue(served.path("top").isMissingNode(), "no single-label fields: " + served);

            // Grad-CAM of one label's logit: the label asked for, with its sigmoid probability.
            Explanation why = dl4j.explain(images.get(0), "square", null);
            assertEquals("square", why.label());
            assertEquals(p.probabilities()[1], why.probability(), 1e-6);
            assertEquals(16, why.map().length);
        }

        JsonNode trained = JSON.readTree(run.resolve("test-metrics.json").toFile());
        assertTrue(trained.has("macro_f1") && trained.path("per_label").get(0).has("f1"), trained.toString());
        Files.delete(run.resolve("test-metrics.json"));
        CliRun evaluate = CliRun.of("evaluate", "--model", run.toString());
        assertEquals(0, evaluate.code(), evaluate.err());
        JsonNode again = JSON.readTree(run.resolve("test-metrics.json").toFile());
        assertEquals(trained.path("per_label"), again.path("per_label"), "evaluate re-scores the test split");
        assertEquals(trained.path("macro_f1"), again.path("macro_f1"));
    }

    /**
     * Test-time augmentation in the regression run, so "the bundle equals the run's test predictions" covers it
     * too; none in the multi-label run, whose Grad-CAM check compares the explained image's own probability.
     */
    private static String tta(String problem) {
        return problem.equals("multi_label") ? "[]" : "[hflip, vflip]";
    }

    @Test
    void regressionBundleAnswersInTheTargetsUnits() throws IOException {
        Path run = train("regression");
        Path bundle = run.resolve("export");
        JsonNode manifest = JSON.readTree(bundle.resolve("bundle.json").toFile());
        assertEquals("[\"hflip\",\"vflip\"]", manifest.path("tta").toString());
        assertEquals("regression", manifest.path("problem").asText());
        assertEquals(SyntheticShapes.SIZE_COLUMN, manifest.path("target").path("name").asText());
        assertTrue(manifest.path("target").path("training_std").asDouble() > 1, "pixels, not standardised units");

        List<Map<String, String>> test = rows(run.resolve("test-predictions.csv"));
        List<Path> images = test.stream().map(r -> Path.of(r.get("path"))).toList();
        for (Classifier.Engine engine : Classifier.Engine.values()) {
            try (Classifier classifier = Classifier.load(bundle, engine)) {
                assertEquals(List.of(SyntheticShapes.SIZE_COLUMN), classifier.labels());
                Iterator<Prediction> predictions = classifier.predictFiles(images).iterator();
                for (Map<String, String> row : test) {
                    double expected = Double.parseDouble(row.get("predicted")); // 6 significant digits
                    assertEquals(expected, predictions.next().value(), 1e-5 * Math.max(1, Math.abs(expected)),
                            engine + ", " + row.get("path") + ": the bundle's value is training's, in pixels");
                }
            }
        }

        try (Classifier classifier = Classifier.load(bundle);
             InferenceServer server = InferenceServer.start(classifier, ServerOptions.defaults(0))) {
            JsonNode served = served(server, images.get(0));
            assertEquals(SyntheticShapes.SIZE_COLUMN, served.path("target").asText(), served.toString());
            assertEquals(classifier.predict(images.get(0)).value(), served.path("value").floatValue());
            GraftException explain = assertThrows(GraftException.class, () -> classifier.explain(images.get(0),
                    null, null));
            assertEquals(GraftException.USAGE, explain.exitCode());
            assertTrue(explain.getMessage().contains("holds a regression model"), explain.getMessage());
        }

        Path csv = dir.resolve("sizes.csv");
        CliRun predict = CliRun.of("predict", "--model", bundle.toString(), "--engine", "onnx", "--csv",
                csv.toString(), images.get(0).toString());
        assertEquals(0, predict.code(), predict.err());
        assertEquals("path," + SyntheticShapes.SIZE_COLUMN + ",error", Files.readAllLines(csv).get(0));
        double expected = Double.parseDouble(test.get(0).get("predicted"));
        assertEquals(expected, Double.parseDouble(rows(csv).get(0).get(SyntheticShapes.SIZE_COLUMN)),
                1e-5 * Math.max(1, Math.abs(expected)), "the CSV's value is training's, to its 6 digits");

        JsonNode trained = JSON.readTree(run.resolve("test-metrics.json").toFile());
        Files.delete(run.resolve("test-metrics.json"));
        CliRun evaluate = CliRun.of("evaluate", "--model", run.toString());
        assertEquals(0, evaluate.code(), evaluate.err());
        JsonNode again = JSON.readTree(run.resolve("test-metrics.json").toFile());
        for (String metric : List.of("mae", "rmse", "r2")) {
            assertEquals(trained.path(metric).asDouble(), again.path(metric).asDouble(), 1e-9, metric);
        }
    }
}
