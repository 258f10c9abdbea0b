package dev.graft.export;

import dev.graft.backbone.ResNetSpec;
import dev.graft.config.Arch;
import dev.graft.config.ExportConfig;
import dev.graft.config.HeadConfig;
import dev.graft.run.NativeBackend;
import dev.graft.serve.InferenceServer;
import dev.graft.serve.ServerOptions;
import dev.graft.train.Checkpoints;
import dev.graft.train.TrainState;
import org.deeplearning4j.nn.graph.ComputationGraph;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * Inference speed of an exported ResNet-50 bundle at 224 px (random weights, 10 classes): latency p50/p99 of one
 * preprocessed image and throughput at batch 16, on DL4J and on ONNX Runtime; end-to-end latency of one JPEG
 * (decode + preprocess + model); and requests/s of {@code graft serve} on loopback. Not a test (surefire does not
 * pick it up); run it from the build's test class path:
 * <pre>java -Xss4m -cp target/test-classes:target/classes:$(cat target/bench-cp.txt) \
 *     dev.graft.export.ExportBenchmark</pre>
 */
public final class ExportBenchmark {
    private static final int SIZE = 224;
    private static final int LATENCY_RUNS = 40;
    private static final int BATCH = 16;
    private static final int BATCH_RUNS = 4;
    private static final int HTTP_REQUESTS = 60;
    private static final int HTTP_CONCURRENCY = 4;

    private ExportBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        NativeBackend.configure();
        System.out.println(NativeBackend.info().summary());
        Path root = Files.createTempDirectory("graft-export-bench");
        Path bundle = exportResNet50(root);
        byte[] jpeg = jpeg();
        for (Classifier.Engine engine : Classifier.Engine.values()) {
            try (Classifier classifier = Classifier.load(bundle, engine)) {
                model(classifier);
            }
        }
        try (Classifier classifier = Classifier.load(bundle, Classifier.Engine.ONNX)) {
            http(classifier, jpeg);
        }
    }

    /** A ResNet-50 classifier saved as a Graft checkpoint in a run folder, then exported with both formats. */
    private static Path exportResNet50(Path root) throws IOException {
        ResNetSpec spec = ResNetSpec.of(Arch.RESNET50).withClasses(0);
        ComputationGraph model = TinyClassifiers.build(spec, SIZE, TinyClassifiers.head(List.of(),
                HeadConfig.Activation.RELU, false), 10, List.of("stem", "stage1"), 1);
        Path run = Files.createDirectories(root.resolve("run"));
        String yaml = "name: bench\nseed: 1\nbackbone: {arch: resnet50, weights: none, freeze: [stem, stage1]}\n"
                + "data: {image_size: 224, crop_ratio: 0.875}\n";
        Files.writeString(run.resolve("config.yaml"), yaml);
        List<String> classes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            classes.add("class" + i);
        }
        Checkpoints.write(run.resolve("checkpoints/best.zip"), model, new TrainState(classes, 1, 0, null, 0,
                List.of(), List.of(), Double.NaN, 0, 0), yaml, false);
        long start = System.nanoTime();
        BundleExporter.Result result = new BundleExporter("bench").export(new BundleExporter.Request(run,
                ExportConfig.Which.BEST, Set.of(ExportConfig.Format.DL4J, ExportConfig.Format.ONNX), null, false));
        System.out.printf(Locale.ROOT, "export (DL4J + ONNX + check): %.1f s, model.zip %.0f MB, model.onnx %.0f MB,"
                        + " ONNX vs DL4J max |dp| %.2e%n", (System.nanoTime() - start) / 1e9,
                Files.size(result.folder().resolve("model.zip")) / 1e6,
                Files.size(result.folder().resolve("model.onnx")) / 1e6, result.onnxMaxDifference());
        return result.folder();
    }

    private static void model(Classifier classifier) {
        int length = 3 * SIZE * SIZE;
        Random random = new Random(3);
        float[] one = new float[length];
        float[] batch = new float[BATCH * length];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = (float) random.nextGaussian();
        }
        System.arraycopy(batch, 0, one, 0, length);
        for (int i = 0; i < 5; i++) {
            classifier.probabilities(one, 1);
        }
        double[] ms = new double[LATENCY_RUNS];
        for (int i = 0; i < LATENCY_RUNS; i++) {
            long t = System.nanoTime();
            classifier.probabilities(one, 1);
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        classifier.probabilities(batch, BATCH);
        long t = System.nanoTime();
        for (int i = 0; i < BATCH_RUNS; i++) {
            classifier.probabilities(batch, BATCH);
        }
        double perSecond = BATCH * BATCH_RUNS / ((System.nanoTime() - t) / 1e9);
        System.out.printf(Locale.ROOT, "%-5s batch 1: p50 %6.1f ms  p99 %6.1f ms | batch %d: %5.1f images/s%n",
                classifier.engine(), percentile(ms, 50), percentile(ms, 99), BATCH, perSecond);
    }

    private static void http(Classifier classifier, byte[] jpeg) throws Exception {
        double[] e2e = new double[10];
        for (int i = 0; i < e2e.length; i++) {
            long t = System.nanoTime();
            classifier.predict(jpeg);
            e2e[i] = (System.nanoTime() - t) / 1e6;
        }
        System.out.printf(Locale.ROOT, "%s one 320x240 JPEG end to end (decode, resize, crop, model): p50 %.1f ms%n",
                classifier.engine(), percentile(e2e, 50));
        try (InferenceServer server = InferenceServer.start(classifier, ServerOptions.defaults(0))) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest request = HttpRequest.newBuilder(server.uri().resolve("/v1/predict"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(jpeg)).build();
            for (int i = 0; i < 4; i++) {
                client.send(request, HttpResponse.BodyHandlers.ofString());
            }
            Semaphore slots = new Semaphore(HTTP_CONCURRENCY);
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            double[] latency = new double[HTTP_REQUESTS];
            long start = System.nanoTime();
            for (int i = 0; i < HTTP_REQUESTS; i++) {
                slots.acquire();
                int index = i;
                long sent = System.nanoTime();
                all.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                    latency[index] = (System.nanoTime() - sent) / 1e6;
                    slots.release();
                }));
            }
            long ok = 0;
            for (CompletableFuture<HttpResponse<String>> f : all) {
                ok += f.get().statusCode() == 200 ? 1 : 0;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "HTTP loopback, %d requests, %d concurrent, %s engine: %.1f requests/s,"
                            + " p50 %.0f ms, p99 %.0f ms, %d/%d answered 200%n", HTTP_REQUESTS, HTTP_CONCURRENCY,
                    classifier.engine(), HTTP_REQUESTS / seconds, percentile(latency, 50), percentile(latency, 99),
                    ok, HTTP_REQUESTS);
        }
    }

    private static byte[] jpeg() throws IOException {
        BufferedImage image = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, Color.GREEN, 320, 240, Color.MAGENTA));
        g.fillRect(0, 0, 320, 240);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }

    private static double percentile(double[] values, int p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
