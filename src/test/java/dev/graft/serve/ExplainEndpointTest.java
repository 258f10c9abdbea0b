package dev.graft.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.export.Classifier;
import dev.graft.export.Explanation;
import dev.graft.export.TrainedFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /v1/explain} answers what {@link Classifier#explain} computes, as a PNG or as JSON. */
class ExplainEndpointTest {
    static Classifier classifier;
    static InferenceServer server;
    static HttpClient client;
    static Path image;

    @BeforeAll
    static void start() {
        TrainedFixture fixture = TrainedFixture.get();
        image = fixture.allImages().get(3);
        classifier = Classifier.load(fixture.bundle);
        server = InferenceServer.start(classifier, ServerOptions.defaults(0));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            classifier.close();
        }
    }

    private static HttpResponse<byte[]> post(String query, byte[] body) throws Exception {
        return client.send(HttpRequest.newBuilder(server.uri().resolve("/v1/explain" + query))
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void answersTheMapAsJsonAndTheOverlayAsPng() throws Exception {
        Explanation expected = classifier.explain(image, "green", "stage2");
        HttpResponse<byte[]> json = post("?class=green&stage=stage2&format=json", Files.readAllBytes(image));
        assertEquals(200, json.statusCode(), new String(json.body()));
        JsonNode body = InferenceServerTest.JSON.readTree(json.body());
        assertEquals("green", body.path("label").asText());
        assertEquals("stage2", body.path("stage").asText());
        assertEquals(expected.probability(), body.path("probability").floatValue(), 1e-6);
        JsonNode map = body.path("map");
        assertEquals(16, map.size());
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                assertEquals(expected.map()[y][x], map.get(y).get(x).floatValue(), 1e-6);
            }
        }

        HttpResponse<byte[]> png = post("", Files.readAllBytes(image));
        assertEquals(200, png.statusCode());
        assertEquals("image/png", png.headers().firstValue("Content-Type").orElse(""));
        assertEquals(classifier.predict(image).label(), png.headers().firstValue("X-Graft-Label").orElse(""));
        BufferedImage overlay = ImageIO.read(new ByteArrayInputStream(png.body()));
        assertEquals(16, overlay.getWidth());
    }

    @Test
    void badRequestsAre400() throws Exception {
        byte[] bytes = Files.readAllBytes(image);
        HttpResponse<byte[]> stage = post("?stage=stage9", bytes);
        assertEquals(400, stage.statusCode());
        assertTrue(new String(stage.body()).contains("unknown stage 'stage9'"), new String(stage.body()));
        assertEquals(400, post("?class=purple", bytes).statusCode());
        assertEquals(400, post("?format=gif", bytes).statusCode());
        HttpResponse<byte[]> broken = post("", "not an image".getBytes());
        assertEquals(400, broken.statusCode());
        assertTrue(new String(broken.body()).contains("invalid_image"), new String(broken.body()));
    }
}
