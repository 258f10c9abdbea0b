package dev.graft.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.export.Classifier;
import dev.graft.export.TinyBundle;
import dev.graft.testing.PngBomb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's bounds against hostile or broken clients, on a real server on loopback with raw sockets for the
 * clients that stall: slow uploads hold no worker, time out with 408, are bounded in number, health reflects it,
 * and every refusal is JSON.
 */
class ServerLimitsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    static Path dir;
    static Classifier classifier;
    static byte[] png;

    @BeforeAll
    static void load() throws IOException {
        classifier = Classifier.load(TinyBundle.write(dir.resolve("bundle")));
        BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        image.setRGB(3, 4, 0xFF8800);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        png = out.toByteArray();
    }

    @AfterAll
    static void close() {
        classifier.close();
    }

    /** Like the repro: headers promising 5000 bytes, 3 of them, then nothing. */
    static Socket stalledUpload(InferenceServer server) throws IOException {
        Socket socket = new Socket(server.uri().getHost(), server.port());
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(("POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\nabc")
                .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return CLIENT.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpRequest.Builder predict(InferenceServer server) {
        return HttpRequest.newBuilder(server.uri().resolve("/v1/predict")).POST(HttpRequest.BodyPublishers
                .ofByteArray(png));
    }

    static JsonNode health(InferenceServer server) throws IOException, InterruptedException {
        return json(send(HttpRequest.newBuilder(server.uri().resolve("/v1/health"))));
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                response.statusCode() + " " + response.headers().map() + " " + response.body());
        return JSON.readTree(response.body());
    }

    static void awaitHealth(InferenceServer server, Predicate<JsonNode> condition) throws Exception {
        JsonNode health = health(server);
        for (int i = 0; i < 250 && !condition.test(health); i++) {
            Thread.sleep(20);
            health = health(server);
        }
        assertTrue(condition.test(health), health.toString());
    }

    static void assertError(HttpResponse<String> response, int status, String code) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(code, json(response).path("error").path("code").asText(), response.body());
    }

    @Test
    void twoStalledUploadsDoNotDelayEightNormalPredictions() throws Exception {
        try (InferenceServer server = InferenceServer.start(classifier, ServerOptions.defaults(0)
                .withLimits(1 << 20, 2, 64));
             Socket first = stalledUpload(server); Socket second = stalledUpload(server)) {
            awaitHealth(server, h -> h.path("uploads").asInt() == 2);
            long start = System.nanoTime();
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(CLIENT.sendAsync(predict(server).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get(6, TimeUnit.SECONDS);
                assertEquals(200, response.statusCode(), response.body());
                assertTrue(TinyBundle.LABELS.contains(json(response).path("predictions").get(0).path("label")
                        .asText()), response.body());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds < 5, "all 8 answered within 5 s (took " + seconds + " s)");
            JsonNode health = health(server);
            assertEquals("ok", health.path("status").asText(), health.toString());
            assertEquals(2, health.path("uploads").asInt(), "the stalled uploads are still waiting");
        }
    }

    @Test
    void aBodyThatDoesNotArriveInTimeGets408AndFreesItsSlot() throws Exception {
        try (InferenceServer server = InferenceServer.start(classifier, ServerOptions.defaults(0)
                .withUploads(4, Duration.ofMillis(500)));
             Socket stalled = stalledUpload(server)) {
            String answer = new String(stalled.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
            assertTrue(answer.contains("\"code\":\"body_timeout\"") && answer.contains("within 0.5 s"), answer);
            assertEquals(0, health(server).path("uploads").asInt());
            assertEquals(200, send(predict(server)).statusCode(), "a prompt client is still served");
        }
    }

    @Test
    void uploadsBeyondTheBoundGet503AndHealthSaysNotReady() throws Exception {
        try (InferenceServer server = InferenceServer.start(classifier, ServerOptions.defaults(0)
                .withUploads(2, Duration.ofSeconds(30)))) {
            Socket first = stalledUpload(server);
            Socket second = stalledUpload(server);
            awaitHealth(server, h -> h.path("uploads").asInt() == 2);
            HttpResponse<String> refused = send(predict(server));
            assertError(refused, 503, "busy");
            assertEquals("1", refused.headers().firstValue("Retry-After").orElse(""));
            HttpResponse<String> health = send(HttpRequest.newBuilder(server.uri().resolve("/v1/health")));
            assertEquals(503, health.statusCode(), "not ready while no upload can start: " + health.body());
            assertEquals("busy", json(health).path("status").asText());
            assertFalse(json(health).path("ready").asBoolean());
            first.close();
            second.close();
            awaitHealth(server, h -> h.path("ready").asBoolean() && h.path("uploads").asInt() == 0);
            assertEquals(200, send(predict(server)).statusCode(), "slots of clients that went away are freed");
        }
    }

    @Test
    void tooManyQueryParametersIsAJsonError() throws Exception {
        try (InferenceServer server = InferenceServer.start(classifier, ServerOptions.defaults(0))) {
            StringBuilder query = new StringBuilder("top=1");
            for (int i = 0; i < 1000; i++) {
                query.append("&p").append(i).append("=1");
            }
            HttpResponse<String> response = send(HttpRequest.newBuilder(server.uri().resolve("/v1/predict?"
                    + query)).POST(HttpRequest.BodyPublishers.ofByteArray(png)));
            assertError(response, 400, "too_many_parameters");
            assertTrue(json(response).path("error").path("message").asText().contains("1001 parameters"));
        }
    }

    @Test
    void whileDrainingEveryEndpointAnswers503InJson() throws Exception {
        InferenceServer server = InferenceServer.start(classifier, ServerOptions.defaults(0));
        Thread closer;
        try (Socket stalled = stalledUpload(server)) {
            awaitHealth(server, h -> h.path("uploads").asInt() == 1);
            closer = new Thread(server::close);
            closer.start();
            awaitHealth(server, h -> h.path("status").asText().equals("draining"));
            assertError(send(predict(server)), 503, "draining");
            assertError(send(HttpRequest.newBuilder(server.uri().resolve("/v1/model"))), 503, "draining");
            assertTrue(closer.isAlive(), "close() waits for the upload in progress");
        }
        closer.join(20_000);
        assertFalse(closer.isAlive(), "the upload's client went away, so close() returned");
    }

    @Test
    void anImageBombIsRefusedWith413BeforeDecoding() throws Exception {
        try (InferenceServer server = InferenceServer.start(classifier, ServerOptions.defaults(0))) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(server.uri().resolve("/v1/predict"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(PngBomb.grey1(20_000, 20_000))));
            assertError(response, 413, "image_too_large");
            assertTrue(json(response).path("error").path("message").asText().contains("20000 x 20000 pixels"),
                    response.body());
            assertEquals(Classifier.DEFAULT_MAX_PIXELS, json(send(HttpRequest.newBuilder(server.uri()
                    .resolve("/v1/model")))).path("max_pixels").asLong());
        }
    }

    @Test
    void bodiesOverTheLimitAreRefusedWhileStreaming() throws Exception {
        try (InferenceServer server = InferenceServer.start(classifier, ServerOptions.defaults(0)
                .withLimits(1000, 1, 4))) {
            byte[] big = new byte[5000];
            HttpResponse<String> chunked = send(HttpRequest.newBuilder(server.uri().resolve("/v1/predict"))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))));
            assertError(chunked, 413, "too_large");
            awaitHealth(server, h -> h.path("uploads").asInt() == 0);
        }
    }

}
