package dev.graft.serve;

import dev.graft.export.Classifier;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Load test of {@code graft serve} on loopback, with and without dynamic batching: for each engine and client count,
 * every client sends single-image {@code POST /v1/predict} requests one after another; prints throughput, p50/p99
 * latency and the status counts. Not a unit test (speed is shown here, never asserted):
 * <pre>
 * mvn -o -q test-compile
 * java -cp target/test-classes:target/classes:$(cat target/bench-cp.txt) dev.graft.serve.ServeBenchmark \
 *     experiments/quickstart/RUN/export datasets/quickstart 500 onnx,dl4j 1,8,32 32 0
 * </pre>
 * Arguments: bundle, image folder, requests per client, engines, client counts, max batch when on, max delay ms.
 * <p>Against a server in another process ({@code bench/serve-load.sh} starts them), the clients alone:
 * {@code ServeBenchmark http://127.0.0.1:PORT IMAGES REQUESTS CLIENTS ENGINE BATCHING} (the last two only label
 * the printed row).
 */
public final class ServeBenchmark {
    private ServeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].startsWith("http://")) {
            run(URI.create(args[0]), args[4], Integer.parseInt(args[3]), args[5], Integer.parseInt(args[2]),
                    images(Path.of(args[1])));
            return;
        }
        Path bundle = Path.of(args[0]);
        List<byte[]> images = images(Path.of(args[1]));
        int requests = Integer.parseInt(args[2]);
        String[] engines = args.length > 3 ? args[3].split(",") : new String[] {"onnx", "dl4j"};
        int[] clientCounts = Arrays.stream((args.length > 4 ? args[4] : "1,8,32").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int maxBatch = args.length > 5 ? Integer.parseInt(args[5]) : 32;
        double delayMs = args.length > 6 ? Double.parseDouble(args[6]) : 0;
        System.out.printf(Locale.ROOT, "%d images, %d requests per client, batching: --max-batch %d --max-delay-ms "
                + "%s, %d cores%n", images.size(), requests, maxBatch, delayMs,
                Runtime.getRuntime().availableProcessors());
        System.out.println("engine | clients | batching | requests | req/s | p50 ms | p99 ms | mean batch | statuses");
        for (String engine : engines) {
            try (Classifier classifier = Classifier.load(bundle, Classifier.Engine.valueOf(
                    engine.toUpperCase(Locale.ROOT)))) {
                for (int clients : clientCounts) {
                    for (boolean batching : new boolean[] {false, true}) {
                        ServerOptions options = ServerOptions.defaults(0).withBatching(batching ? maxBatch : 1,
                                Duration.ofNanos(Math.round(delayMs * 1e6)));
                        try (InferenceServer server = InferenceServer.start(classifier, options)) {
                            run(server.uri(), engine, clients, batching ? "on" : "off", requests, images);
                        }
                    }
                }
            }
        }
    }

    private static void run(URI server, String engine, int clients, String batching, int requests,
                            List<byte[]> images) throws Exception {
        URI predict = server.resolve("/v1/predict");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        send(http, predict, images.get(0)); // warm-up of the connection and the code paths
        Map<String, Double> before = metrics(http, server);
        long[] latencies = new long[clients * requests];
        int[] statuses = new int[600];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            done.add(pool.submit(() -> {
                for (int r = 0; r < requests; r++) {
                    int i = next.getAndIncrement();
                    long t = System.nanoTime();
                    int status = send(http, predict, images.get(i % images.size()));
                    latencies[i] = System.nanoTime() - t;
                    synchronized (statuses) {
                        statuses[status]++;
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        Arrays.sort(latencies);
        Map<String, Double> after = metrics(http, server);
        double meanBatch = (after.get("graft_batch_images_sum") - before.get("graft_batch_images_sum"))
                / (after.get("graft_batch_images_count") - before.get("graft_batch_images_count"));
        StringBuilder codes = new StringBuilder();
        for (int s = 0; s < statuses.length; s++) {
            if (statuses[s] > 0) {
                codes.append(s).append(" x ").append(statuses[s]).append(' ');
            }
        }
        System.out.printf(Locale.ROOT, "%s | %d | %s | %d | %.0f | %.1f | %.1f | %.2f | %s%n", engine, clients,
                batching, latencies.length, latencies.length / seconds,
                latencies[latencies.length / 2] / 1e6, latencies[(int) (latencies.length * 0.99)] / 1e6, meanBatch,
                codes.toString().trim());
    }

    /** The server's Prometheus samples (the model-call sizes are cumulative: a run takes the difference). */
    private static Map<String, Double> metrics(HttpClient http, URI server) throws Exception {
        return MetricsEndpointTest.parse(http.send(HttpRequest.newBuilder(server.resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private static int send(HttpClient http, URI uri, byte[] image) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(image)).build(), HttpResponse.BodyHandlers
                    .discarding()).statusCode();
        } catch (IOException e) {
            return 599; // a broken connection counts as a failure
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 599;
        }
    }

    private static List<byte[]> images(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            List<byte[]> out = new ArrayList<>();
            for (Path p : files.filter(f -> f.toString().endsWith(".png")).sorted().limit(60).toList()) {
                out.add(Files.readAllBytes(p));
            }
            return out;
        }
    }
}
