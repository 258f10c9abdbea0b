package dev.graft.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.export.Classifier;
import dev.graft.export.Prediction;
import dev.graft.export.TrainedFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real Undertow server on an ephemeral loopback port, driven by java.net.http. */
class InferenceServerTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final long LIMIT = 64 * 1024;

    static TrainedFixture fixture;
    static Classifier classifier;
    static InferenceServer server;
    static HttpClient client;

    @BeforeAll
    static void start() {
        fixture = TrainedFixture.get();
        classifier = Classifier.load(fixture.bundle);
        server = InferenceServer.start(classifier, ServerOptions.defaults(0).withLimits(LIMIT, 2, 64));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            classifier.close();
        }
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpRequest.Builder post(String pathAndQuery, byte[] body) {
        return HttpRequest.newBuilder(server.uri().resolve(pathAndQuery))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                "JSON response: " + response.headers().map());
        return JSON.readTree(response.body());
    }

    @Test
    void healthAndModelInfo() throws Exception {
        HttpResponse<String> health = send(HttpRequest.newBuilder(server.uri().resolve("/v1/health")));
        assertEquals(200, health.statusCode());
        assertEquals("ok", json(health).path("status").asText());
        JsonNode model = json(send(HttpRequest.newBuilder(server.uri().resolve("/v1/model"))));
        assertEquals("[\"blue\",\"green\",\"red\"]", model.path("labels").toString());
        assertEquals(16, model.path("preprocessing").path("image_size").asInt());
        assertEquals("resnet20_cifar", model.path("arch").asText());
        assertEquals("dl4j", model.path("engine").asText());
        assertTrue(server.uri().toString().startsWith("http://127.0.0.1:"), "loopback by default");
    }

    @Test
    void predictsRawBodiesAndMultipartLikeTheClassifier() throws Exception {
        Path image = fixture.allImages().get(30);
        Prediction expected = classifier.predict(image);
        JsonNode body = json(send(post("/v1/predict?top=2", Files.readAllBytes(image))));
        JsonNode p = body.path("predictions").get(0);
        assertEquals(expected.label(), p.path("label").asText());
        assertEquals(expected.probability(), p.path("probability").floatValue(), 1e-6);
        assertEquals(2, p.path("top").size());
        assertEquals(expected.top(2).get(1).label(), p.path("top").get(1).path("label").asText());

        JsonNode all = json(send(post("/v1/predict", Files.readAllBytes(image)))).path("predictions").get(0);
        assertEquals(3, all.path("top").size(), "default top 5 capped at 3 classes");

        Path second = fixture.allImages().get(2);
        String boundary = "graft-test-boundary";
        byte[] multipart = multipart(boundary, Map.of("a.png", Files.readAllBytes(image), "b.png",
                Files.readAllBytes(second)));
        HttpResponse<String> response = send(HttpRequest.newBuilder(server.uri().resolve("/v1/predict"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart)));
        assertEquals(200, response.statusCode(), response.body());
        JsonNode predictions = json(response).path("predictions");
        assertEquals(2, predictions.size());
        for (JsonNode q : predictions) {
            Path source = q.path("image").asText().equals("a.png") ? image : second;
            assertEquals(classifier.predict(source).label(), q.path("label").asText());
        }
    }

    @Test
    void everyBadInputIsA4xxJsonError() throws Exception {
        byte[] png = Files.readAllBytes(fixture.allImages().get(0));
        ByteArrayOutputStream gif = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "gif", gif);
        byte[] big = new byte[(int) LIMIT + 1];
        System.arraycopy(png, 0, big, 0, png.length);
        String boundary = "b0undary";
        List<Object[]> cases = List.of(
                new Object[] {post("/v1/predict", new byte[0]), 400, "invalid_image", "empty"},
                new Object[] {post("/v1/predict", "{\"image\": 1}".getBytes()), 400, "invalid_image", "not a"},
                new Object[] {post("/v1/predict", Arrays.copyOf(png, png.length - 20)), 400, "invalid_image",
                        "truncated PNG"},
                new Object[] {post("/v1/predict", gif.toByteArray()), 400, "invalid_image", "GIF"},
                new Object[] {post("/v1/predict?top=0", png), 400, "bad_top", "top must be"},
                new Object[] {post("/v1/predict?top=many", png), 400, "bad_top", "top must be"},
                new Object[] {post("/v1/predict", big), 413, "too_large", "limit of 65536"},
                new Object[] {HttpRequest.newBuilder(server.uri().resolve("/v1/predict")).POST(
                        HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))), 413,
                        "too_large", "limit"},
                new Object[] {HttpRequest.newBuilder(server.uri().resolve("/v1/predict"))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(boundary, Map.of()))), 400,
                        "no_image", "no file part"},
                new Object[] {HttpRequest.newBuilder(server.uri().resolve("/v1/predict"))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(boundary, Map.of("good.png", png,
                                "notes.txt", "hello".getBytes())))), 400, "invalid_image", "notes.txt"},
                new Object[] {HttpRequest.newBuilder(server.uri().resolve("/v1/predict")).GET(), 405,
                        "method_not_allowed", "use POST"},
                new Object[] {HttpRequest.newBuilder(server.uri().resolve("/v3/predict")).GET(), 404, "not_found",
                        "no endpoint"});
        for (Object[] c : cases) {
            HttpResponse<String> response = send((HttpRequest.Builder) c[0]);
            String what = c[2] + " (" + c[3] + "): " + response.body();
            assertEquals((int) c[1], response.statusCode(), what);
            JsonNode error = json(response).path("error");
            assertEquals(c[2], error.path("code").asText(), what);
            assertTrue(error.path("message").asText().contains((String) c[3]), what);
        }
        assertEquals(200, send(post("/v1/predict", png)).statusCode(), "the server still works");
    }

    @Test
    void fiftyConcurrentRequestsAllAnsweredCorrectly() throws Exception {
        List<Path> images = fixture.allImages();
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        List<Prediction> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Path image = images.get((i * 7) % images.size());
            expected.add(classifier.predict(image));
            responses.add(client.sendAsync(post("/v1/predict", Files.readAllBytes(image))
                    .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        assertTrue(expected.stream().map(Prediction::label).distinct().count() > 1,
                "the images get different answers, so a mix-up would show");
        for (int i = 0; i < 50; i++) {
            HttpResponse<String> response = responses.get(i).get();
            assertEquals(200, response.statusCode(), response.body());
            JsonNode p = json(response).path("predictions").get(0);
            assertEquals(expected.get(i).label(), p.path("label").asText(), "request " + i);
            assertEquals(expected.get(i).probability(), p.path("probability").floatValue(), 1e-6, "request " + i);
        }
    }

    @Test
    void closeLetsRequestsInFlightFinishAndRefusesNewOnes() throws Exception {
        InferenceServer second = InferenceServer.start(classifier, ServerOptions.defaults(0));
        byte[] png = Files.readAllBytes(fixture.allImages().get(5));
        // A slow upload over a plain socket: the headers and half the image, the rest only when the test says so.
        try (Socket socket = new Socket(second.uri().getHost(), second.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/png\r\n"
                    + "Content-Length: " + png.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(png, 0, png.length / 2);
            out.flush();
            for (int i = 0; i < 400 && second.inFlight() == 0; i++) {
                Thread.sleep(25);
            }
            assertEquals(1, second.inFlight(), "the slow request is being served");
            Thread closer = new Thread(second::close);
            closer.start();
            int status = 0;
            for (int i = 0; i < 200 && status != 503; i++) {
                status = send(HttpRequest.newBuilder(second.uri().resolve("/v1/health"))).statusCode();
                Thread.sleep(25);
            }
            assertEquals(503, status, "while draining, new requests are turned away");
            assertTrue(closer.isAlive(), "close() waits for the request in flight");
            out.write(png, png.length / 2, png.length - png.length / 2);
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            String label = classifier.predict(png).label();
            assertTrue(response.contains("\"label\":\"" + label + "\""), response);
            closer.join(30_000);
            assertTrue(!closer.isAlive(), "close() returned after the drain");
        }
        assertThrows(IOException.class, () -> send(HttpRequest.newBuilder(second.uri().resolve("/v1/health"))));
    }

    static byte[] multipart(String boundary, Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n")
                .getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\""
                    + f.getKey() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.write(f.getValue());
            out.write("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
