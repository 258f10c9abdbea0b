package dev.graft.export;

import dev.graft.GraftException;
import dev.graft.data.EvalPreprocessor;
import dev.graft.data.Normalization;
import dev.graft.train.TestSetEvaluation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Classifier API on a real exported bundle: same answers as the trained model, any input form, any thread. */
class ClassifierTest {
    @TempDir
    Path tmp;

    @Test
    void bundlePredictionsEqualTheTrainedModelsEvaluation() throws IOException {
        TrainedFixture f = TrainedFixture.get();
        // The training stack's own evaluation (checkpoint + DataPipeline eval transform), written as CSV.
        Path csv = tmp.resolve("eval.csv");
        TestSetEvaluation.run(f.run, f.images, csv);
        List<String> lines = Files.readAllLines(csv);
        String[] header = lines.get(0).split(",");
        Map<String, Map<String, Double>> expected = new HashMap<>();
        for (String row : lines.subList(1, 37)) {
            String[] c = row.split(",");
            Map<String, Double> byClass = new HashMap<>();
            for (int i = 3; i < header.length; i++) { // path,label,predicted,p_<class>...
                byClass.put(header[i].substring(2), Double.parseDouble(c[i]));
            }
            expected.put(c[0], byClass);
        }
        assertEquals(36, expected.size());
        List<Path> images = f.allImages();
        for (Classifier.Engine engine : Classifier.Engine.values()) {
            try (Classifier classifier = Classifier.load(f.bundle, engine)) {
                assertEquals(engine, classifier.engine());
                List<Prediction> predictions = classifier.predictFiles(images);
                double maxDiff = 0;
                for (int i = 0; i < images.size(); i++) {
                    Map<String, Double> want = expected.get(images.get(i).toString());
                    Prediction got = predictions.get(i);
                    for (LabelScore s : got.top(3)) {
                        maxDiff = Math.max(maxDiff, Math.abs(want.get(s.label()) - s.probability()));
                    }
                }
                // The CSV rounds to 6 decimals; the DL4J engine folds BatchNorm into the convolutions, which
                // changes float rounding only (a wrong fold is off by 1e-3 or more).
                assertTrue(maxDiff <= (engine == Classifier.Engine.DL4J ? 1e-5 : 1e-4),
                        engine + ": max |p - p_train| = " + maxDiff);
            }
        }
    }

    @Test
    void pathBytesAndBufferedImageGiveIdenticalTensorsAndPredictions() throws IOException {
        TrainedFixture f = TrainedFixture.get();
        Path png = f.allImages().get(3);
        byte[] bytes = Files.readAllBytes(png);
        BufferedImage decoded = ImageIO.read(png.toFile());
        try (Classifier classifier = Classifier.load(f.bundle)) {
            float[] fromPath = classifier.predict(png).probabilities();
            assertArrayEquals(fromPath, classifier.predict(bytes).probabilities(), "PNG as bytes = as a file");
            assertArrayEquals(fromPath, classifier.predict(decoded).probabilities(), "PNG as BufferedImage");
        }
        // A JPEG big enough for reduced-size decoding (shorter side 160 >= 4 x 32): bytes and file agree exactly.
        BufferedImage photo = new BufferedImage(200, 160, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = photo.createGraphics();
        g.setPaint(new GradientPaint(0, 0, Color.ORANGE, 200, 160, Color.BLUE));
        g.fillRect(0, 0, 200, 160);
        g.setColor(Color.WHITE);
        g.fillOval(40, 30, 90, 70);
        g.dispose();
        Path jpeg = tmp.resolve("photo.jpg");
        ImageIO.write(photo, "jpg", jpeg.toFile());
        EvalPreprocessor pre = EvalPreprocessor.of(32, 0.875, Normalization.IMAGENET);
        assertArrayEquals(pre.file(jpeg), pre.bytes(Files.readAllBytes(jpeg)));
    }

    @Test
    void zipBundleAndConcurrentCallersGetTheSameAnswers() throws Exception {
        TrainedFixture f = TrainedFixture.get();
        List<Path> images = f.allImages();
        List<float[]> sequential = new ArrayList<>();
        try (Classifier classifier = Classifier.load(f.bundle)) {
            for (Path image : images) {
                sequential.add(classifier.predict(image).probabilities());
            }
        }
        for (Classifier.Engine engine : Classifier.Engine.values()) {
            try (Classifier zipped = Classifier.load(f.zip, engine)) {
                assertEquals(f.zip, zipped.source());
                ExecutorService pool = Executors.newFixedThreadPool(6);
                try {
                    List<Future<float[]>> answers = new ArrayList<>();
                    for (int round = 0; round < 2; round++) {
                        for (Path image : images) {
                            answers.add(pool.submit(() -> zipped.predict(Files.readAllBytes(image)).probabilities()));
                        }
                    }
                    for (int i = 0; i < answers.size(); i++) {
                        float[] want = sequential.get(i % images.size());
                        float[] got = answers.get(i).get();
                        for (int c = 0; c < want.length; c++) {
                            assertEquals(want[c], got[c], engine == Classifier.Engine.DL4J ? 1e-6 : 1e-4,
                                    engine + " image " + i % images.size());
                        }
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }

    @Test
    void topKAndBatchesLongerThanOneRun() {
        TrainedFixture f = TrainedFixture.get();
        List<Path> many = new ArrayList<>();
        while (many.size() < Classifier.MAX_BATCH + 5) {
            many.addAll(f.allImages());
        }
        try (Classifier classifier = Classifier.load(f.bundle)) {
            List<Prediction> all = classifier.predictFiles(many);
            assertEquals(many.size(), all.size());
            Prediction p = all.get(Classifier.MAX_BATCH + 1);
            assertArrayEquals(p.probabilities(), classifier.predict(many.get(Classifier.MAX_BATCH + 1))
                    .probabilities(), 1e-6f);
            List<LabelScore> top = p.top(10);
            assertEquals(3, top.size(), "k is capped at the number of classes");
            assertEquals(p.label(), top.get(0).label());
            assertTrue(top.get(0).probability() >= top.get(1).probability());
            double sum = 0;
            for (float v : p.probabilities()) {
                sum += v;
            }
            assertEquals(1.0, sum, 1e-5);
        }
    }

    @Test
    void unreadableInputsAreClearErrors() throws IOException {
        TrainedFixture f = TrainedFixture.get();
        byte[] png = Files.readAllBytes(f.allImages().get(0));
        Path gif = tmp.resolve("a.gif");
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "gif", gif.toFile());
        try (Classifier classifier = Classifier.load(f.bundle)) {
            Map<String, byte[]> bad = Map.of(
                    "empty input", new byte[0],
                    "not a supported image", "hello, world".getBytes(),
                    "truncated PNG", Arrays.copyOf(png, png.length / 2),
                    "GIF is not supported", Files.readAllBytes(gif));
            bad.forEach((message, bytes) -> {
                InvalidImageException e = assertThrows(InvalidImageException.class, () -> classifier.predict(bytes));
                assertTrue(e.getMessage().contains(message), message + " vs " + e.getMessage());
            });
            InvalidImageException missing = assertThrows(InvalidImageException.class,
                    () -> classifier.predict(tmp.resolve("nope.png")));
            assertTrue(missing.getMessage().contains("no such image file"));
        }
        GraftException notBundle = assertThrows(GraftException.class, () -> Classifier.load(f.images));
        assertEquals(GraftException.USAGE, notBundle.exitCode());
        assertTrue(notBundle.getMessage().contains("not a Graft bundle"), notBundle.getMessage());
    }
}
