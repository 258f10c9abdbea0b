package dev.graft.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.export.Classifier;
import dev.graft.export.TrainedFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code GET /metrics} after known traffic: the request counts per route and status, latency buckets, batch sizes,
 * model load time and memory, read from the Prometheus text; and, when Debian's {@code prometheus} is installed, as
 * a real Prometheus server scraped them.
 */
class MetricsEndpointTest {
    private static final Pattern SAMPLE = Pattern.compile(
            "^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{(?:[^\"}]|\"(?:[^\"\\\\]|\\\\.)*\")*})?) (\\S+)$"); // quoted values may hold }

    @TempDir
    static Path dir;
    static Classifier classifier;
    static InferenceServer server;
    static HttpClient client;

    @BeforeAll
    static void startAndSendKnownTraffic() throws Exception {
        classifier = Classifier.load(TrainedFixture.get().bundle);
        server = InferenceServer.start(classifier, ServerOptions.defaults(0));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        byte[] png = png();
        for (int i = 0; i < 2; i++) {
            assertEquals(200, send(HttpRequest.newBuilder(server.uri().resolve("/v1/predict"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(png))).statusCode());
        }
        assertEquals(404, send(HttpRequest.newBuilder(server.uri().resolve("/wp-login.php"))).statusCode());
        assertEquals(200, send(HttpRequest.newBuilder(server.uri().resolve("/v1/health"))).statusCode());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            classifier.close();
        }
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] png() throws IOException {
        BufferedImage image = new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB);
        image.setRGB(5, 5, 0xff0000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** The samples of a Prometheus text page: series (name and labels as written) to value. */
    static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), "not a Prometheus sample line: " + line);
            samples.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return samples;
    }

    @Test
    void textFormatHasTheTrafficJustSent() throws Exception {
        HttpResponse<String> page = send(HttpRequest.newBuilder(server.uri().resolve("/metrics")));
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                page.headers().map().toString());
        Map<String, Double> s = parse(page.body());
        assertEquals(2.0, s.get("graft_http_requests_seconds_count{route=\"/v1/predict\",status=\"200\"}"), s.keySet()
                .toString());
        assertEquals(1.0, s.get("graft_http_requests_seconds_count{route=\"other\",status=\"404\"}"),
                "unknown paths are counted as 'other', never by their own name");
        assertTrue(s.keySet().stream().noneMatch(k -> k.contains("wp-login")));
        assertEquals(2.0, s.get("graft_http_requests_seconds_bucket{route=\"/v1/predict\",status=\"200\",le=\"+Inf\"}"));
        assertEquals(2.0, s.get("graft_batch_images_count"));
        assertEquals(2.0, s.get("graft_batch_images_sum"), "one image per request");
        assertEquals(2.0, s.get("graft_batch_images_bucket{le=\"1.0\"}"));
        double load = s.get("graft_model_load_seconds{engine=\"dl4j\"}");
        assertTrue(load > 0 && load < 600, "model load seconds " + load);
        assertEquals(0.0, s.get("graft_queue_depth"));
        assertTrue(s.get("graft_offheap_memory_bytes") > 0, "ND4J's tensors are off-heap");
        assertTrue(s.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes{")), "JVM memory");
        assertTrue(s.keySet().stream().anyMatch(k -> k.startsWith("jvm_gc_")) || s.containsKey("jvm_threads_live_threads"),
                "JVM binders");
    }

    @Test
    void aRealPrometheusServerScrapesIt() throws Exception {
        assumeTrue(new File("/usr/bin/prometheus").canExecute(), "Debian's prometheus is not installed");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                global: {scrape_interval: 1s}
                scrape_configs:
                  - job_name: graft
                    static_configs: [{targets: ['127.0.0.1:%d']}]
                """.formatted(server.port()));
        Process prometheus = new ProcessBuilder("/usr/bin/prometheus", "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            String query = URLEncoder.encode("graft_http_requests_seconds_count{route=\"/v1/predict\",status=\"200\"}",
                    StandardCharsets.UTF_8);
            URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query=" + query);
            double value = Double.NaN;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (Double.isNaN(value) && System.nanoTime() < deadline && prometheus.isAlive()) {
                Thread.sleep(500);
                value = queried(uri);
            }
            assertTrue(prometheus.isAlive(), "prometheus exited: " + Files.readString(dir.resolve("prometheus.log")));
            assertEquals(2.0, value, "what Prometheus scraped");
        } finally {
            prometheus.destroy();
            if (!prometheus.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        }
    }

    /** The query's first value, NaN while Prometheus is starting or has not scraped yet. */
    private static double queried(URI uri) throws InterruptedException {
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode result = InferenceServerTest.JSON.readTree(r.body()).path("data").path("result");
            return result.isEmpty() ? Double.NaN : result.get(0).path("value").get(1).asDouble();
        } catch (IOException e) {
            return Double.NaN;
        }
    }
}
