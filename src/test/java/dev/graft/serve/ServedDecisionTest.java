package dev.graft.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.export.BinaryFixture;
import dev.graft.export.Classifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A bundle with a temperature and decision threshold behind a real HTTP server on loopback. */
class ServedDecisionTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void predictionsCarryTheDecisionAndModelInfoTheRule() throws Exception {
        BinaryFixture f = BinaryFixture.get();
        BinaryFixture.Split split = f.split(2.5);
        Path bundle = BinaryFixture.export(f.runWith(f.rule(2.5, split.threshold())), tmp.resolve("bundle"))
                .folder();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (Classifier classifier = Classifier.load(bundle);
             InferenceServer server = InferenceServer.start(classifier, ServerOptions.defaults(0))) {
            JsonNode below = predict(client, server, split.below());
            JsonNode above = predict(client, server, split.above());
            float belowRed = classifier.predict(split.below()).probabilities()[BinaryFixture.POSITIVE];
            assertEquals("green", below.path("decision").path("label").asText(), below.toString());
            assertFalse(below.path("decision").path("positive").asBoolean(true), below.toString());
            assertEquals("red", below.path("decision").path("positive_class").asText());
            assertEquals(belowRed, below.path("decision").path("positive_probability").floatValue(), 1e-6);
            assertEquals(split.threshold(), below.path("decision").path("threshold").asDouble());
            assertEquals("red", above.path("decision").path("label").asText(), above.toString());
            assertTrue(above.path("decision").path("positive").asBoolean(false), above.toString());

            HttpResponse<String> info = client.send(HttpRequest.newBuilder(server.uri().resolve("/v1/model"))
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode model = JSON.readTree(info.body());
            assertEquals(2.5, model.path("temperature").asDouble(), info.body());
            assertEquals("red", model.path("decision").path("positive_class").asText(), info.body());
            assertEquals(split.threshold(), model.path("decision").path("threshold").asDouble());
        }
    }

    private static JsonNode predict(HttpClient client, InferenceServer server, Path image) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.uri().resolve("/v1/predict"))
                .header("Content-Type", "application/octet-stream").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(Files.readAllBytes(image))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body()).path("predictions").get(0);
    }
}
