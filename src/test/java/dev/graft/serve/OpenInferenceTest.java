package dev.graft.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.export.Classifier;
import dev.graft.export.TrainedFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Open Inference Protocol (KServe v2 REST) routes, driven by plain java.net.http on a real server. */
class OpenInferenceTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final double TOLERANCE = 1e-6;

    static TrainedFixture fixture;
    static Classifier classifier;
    static InferenceServer server;
    static HttpClient client;
    static String model;

    @BeforeAll
    static void start() {
        fixture = TrainedFixture.get();
        classifier = Classifier.load(fixture.bundle, Classifier.Engine.ONNX);
        server = InferenceServer.start(classifier, ServerOptions.defaults(0));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
        model = "/v2/models/" + classifier.manifest().name();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            classifier.close();
        }
    }

    static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A v2 request for the fixture's first {@code n} images as base64 BYTES. */
    static ObjectNode bytesRequest(List<Path> images) throws IOException {
        ObjectNode request = JSON.createObjectNode();
        ObjectNode input = request.putArray("inputs").addObject();
        input.put("name", "image").put("datatype", "BYTES");
        input.putArray("shape").add(images.size());
        ArrayNode data = input.putArray("data");
        for (Path image : images) {
            data.add(Base64.getEncoder().encodeToString(Files.readAllBytes(image)));
        }
        return request;
    }

    static void assertProbabilities(float[] expected, JsonNode flat, int offset) {
        for (int j = 0; j < expected.length; j++) {
            assertEquals(expected[j], flat.get(offset + j).asDouble(), TOLERANCE, "class " + j);
        }
    }

    @Test
    void healthAndServerMetadataFollowTheProtocol() throws Exception {
        assertEquals(200, get("/v2/health/live").statusCode());
        HttpResponse<String> ready = get("/v2/health/ready");
        assertEquals(200, ready.statusCode());
        assertTrue(JSON.readTree(ready.body()).get("ready").asBoolean());
        assertEquals(200, get(model + "/ready").statusCode());
        JsonNode server = JSON.readTree(get("/v2").body());
        assertEquals("graft", server.get("name").asText());
        assertTrue(server.get("extensions").isArray());
    }

    @Test
    void modelMetadataDescribesTheBundle() throws Exception {
        HttpResponse<String> response = get(model);
        assertEquals(200, response.statusCode(), response.body());
        JsonNode metadata = JSON.readTree(response.body());
        int size = classifier.preprocessing().imageSize();
        int classes = classifier.labels().size();
        assertEquals("colours", metadata.get("name").asText());
        assertEquals("onnxruntime_onnx", metadata.get("platform").asText());
        JsonNode tensor = metadata.get("inputs").get(0);
        assertEquals("pixel_values", tensor.get("name").asText());
        assertEquals("FP32", tensor.get("datatype").asText());
        assertEquals(List.of(-1, 3, size, size), JSON.convertValue(tensor.get("shape"), List.class));
        assertEquals("BYTES", metadata.get("inputs").get(1).get("datatype").asText());
        JsonNode probabilities = metadata.get("outputs").get(0);
        assertEquals("probabilities", probabilities.get("name").asText());
        assertEquals(List.of(-1, classes), JSON.convertValue(probabilities.get("shape"), List.class));
        assertEquals(classifier.labels(), JSON.convertValue(metadata.get("parameters").get("labels"), List.class));
    }

    @Test
    void encodedImagesGiveTheSameProbabilitiesAsPredict() throws Exception {
        List<Path> images = fixture.allImages().subList(0, 3);
        ObjectNode request = bytesRequest(images).put("id", "req-42");
        HttpResponse<String> response = post(model + "/infer", request.toString());
        assertEquals(200, response.statusCode(), response.body());
        JsonNode answer = JSON.readTree(response.body());
        assertEquals("colours", answer.get("model_name").asText());
        assertEquals("req-42", answer.get("id").asText(), "the request id is echoed");
        JsonNode probabilities = answer.get("outputs").get(0);
        assertEquals("probabilities", probabilities.get("name").asText());
        assertEquals("FP32", probabilities.get("datatype").asText());
        int classes = classifier.labels().size();
        assertEquals(List.of(3, classes), JSON.convertValue(probabilities.get("shape"), List.class));
        JsonNode labels = answer.get("outputs").get(1);
        for (int i = 0; i < images.size(); i++) {
            var expected = classifier.predict(images.get(i));
            assertProbabilities(expected.probabilities(), probabilities.get("data"), i * classes);
            assertEquals(expected.label(), labels.get("data").get(i).asText());
        }
    }

    @Test
    void aPreprocessedTensorGivesTheSameProbabilitiesAsTheClassifier() throws Exception {
        Path image = fixture.allImages().get(5);
        float[] pixels = classifier.preprocess(Files.readAllBytes(image));
        int size = classifier.preprocessing().imageSize();
        ObjectNode request = JSON.createObjectNode();
        ObjectNode input = request.putArray("inputs").addObject();
        input.put("name", "pixel_values").put("datatype", "FP32");
        input.putArray("shape").add(1).add(3).add(size).add(size);
        ArrayNode channels = input.putArray("data").addArray(); // nested [1][3][H][W], as the protocol allows
        for (int c = 0; c < 3; c++) {
            ArrayNode rows = channels.addArray();
            for (int y = 0; y < size; y++) {
                ArrayNode row = rows.addArray();
                for (int x = 0; x < size; x++) {
                    row.add(pixels[(c * size + y) * size + x]);
                }
            }
        }
        request.putArray("outputs").addObject().put("name", "probabilities");
        HttpResponse<String> response = post(model + "/infer", request.toString());
        assertEquals(200, response.statusCode(), response.body());
        JsonNode outputs = JSON.readTree(response.body()).get("outputs");
        assertEquals(1, outputs.size(), "only the requested output");
        assertFalse(JSON.readTree(response.body()).has("id"), "no id asked, none answered");
        assertProbabilities(classifier.predict(image).probabilities(), outputs.get(0).get("data"), 0);
    }

    @Test
    void badRequestsGetTheProtocolsErrorObject() throws Exception {
        String image = bytesRequest(fixture.allImages().subList(0, 1)).toString();
        Map<String, Integer> cases = Map.of(
                "not json", 400,
                "{\"inputs\": []}", 400,
                image.replace("\"BYTES\"", "\"FP32\""), 400,
                image.replace("\"image\"", "\"input-0\""), 400,
                image.replace("\"shape\":[1]", "\"shape\":[2]"), 400,
                "{\"inputs\":[{\"name\":\"image\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"%%%\"]}]}", 400,
                "{\"inputs\":[{\"name\":\"image\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"aGVsbG8=\"]}]}", 400,
                "{\"inputs\":[{\"name\":\"pixel_values\",\"datatype\":\"FP32\",\"shape\":[1,3,2,2],\"data\":[]}]}", 400);
        for (Map.Entry<String, Integer> c : cases.entrySet()) {
            HttpResponse<String> response = post(model + "/infer", c.getKey());
            assertEquals(c.getValue(), response.statusCode(), c.getKey() + " -> " + response.body());
            assertTrue(JSON.readTree(response.body()).get("error").isTextual(), response.body());
        }
        HttpResponse<String> unknownOutput = post(model + "/infer", JSON.readTree(image).deepCopy()
                .toString().replaceFirst("\\{", "{\"outputs\":[{\"name\":\"logits\"}],"));
        assertEquals(400, unknownOutput.statusCode());
        assertTrue(unknownOutput.body().contains("probabilities"), "names the outputs it has: " + unknownOutput.body());
        HttpResponse<String> unknownModel = get("/v2/models/nope");
        assertEquals(404, unknownModel.statusCode());
        assertTrue(JSON.readTree(unknownModel.body()).get("error").asText().contains("colours"), unknownModel.body());
        assertEquals(404, get(model + "/versions/1").statusCode(), "the model is unversioned");
        assertEquals(404, post(model + "/versions/1/infer", image).statusCode());
        assertEquals(405, get(model + "/infer").statusCode());
    }

    @Test
    void metricsNameTheV2Routes() throws Exception {
        post(model + "/infer", bytesRequest(fixture.allImages().subList(0, 1)).toString());
        get("/v2/health/ready");
        Map<String, Double> s = MetricsEndpointTest.parse(get("/metrics").body());
        assertTrue(s.keySet().stream().anyMatch(k -> k.startsWith(
                "graft_http_requests_seconds_count{route=\"/v2/models/{name}/infer\",status=\"200\"")), s.keySet()
                .toString());
        assertTrue(s.keySet().stream().anyMatch(k -> k.contains("route=\"/v2/health/ready\"")));
    }

    @Test
    void healthRoutesStayOpenBehindAnApiKey(@TempDir Path dir) throws Exception {
        Path keys = Files.writeString(dir.resolve("keys.txt"), ApiKeyServerTest.KEY + "\n");
        try (InferenceServer locked = InferenceServer.start(classifier, ServerOptions.defaults(0)
                .withApiKeys(ApiKeys.read(keys)).withModelName("shapes"))) {
            for (String open : new String[] {"/v2/health/live", "/v2/health/ready"}) {
                assertEquals(200, client.send(HttpRequest.newBuilder(locked.uri().resolve(open)).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode(), open);
            }
            HttpResponse<String> refused = client.send(HttpRequest.newBuilder(locked.uri().resolve(
                    "/v2/models/shapes")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, refused.statusCode());
            assertTrue(JSON.readTree(refused.body()).get("error").isTextual(), refused.body());
            HttpResponse<String> named = client.send(HttpRequest.newBuilder(locked.uri().resolve(
                    "/v2/models/shapes")).header("X-API-Key", ApiKeyServerTest.KEY).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, named.statusCode(), "--model-name renames the model: " + named.body());
        }
    }
}
