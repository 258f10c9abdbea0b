package dev.graft.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.export.Classifier;
import dev.graft.export.Prediction;
import dev.graft.export.TrainedFixture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Dynamic batching on a real server, both engines: concurrent single-image requests on {@code /v1/predict} and
 * {@code /v2/.../infer} each get the probabilities of the image predicted alone, and the metrics count every image
 * in exactly one model call.
 */
class BatchingServerTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @EnumSource(Classifier.Engine.class)
    void concurrentRequestsGetTheirOwnAnswers(Classifier.Engine engine) throws Exception {
        TrainedFixture fixture = TrainedFixture.get();
        List<Path> images = fixture.allImages().subList(0, 12);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (Classifier classifier = Classifier.load(fixture.bundle, engine);
             InferenceServer server = InferenceServer.start(classifier, ServerOptions.defaults(0)
                     .withBatching(8, Duration.ofMillis(5)))) {
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                byte[] bytes = Files.readAllBytes(images.get(i));
                HttpRequest request = i % 2 == 0
                        ? HttpRequest.newBuilder(server.uri().resolve("/v1/predict?top=100"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build()
                        : HttpRequest.newBuilder(server.uri().resolve("/v2/models/" + server.modelName() + "/infer"))
                        .POST(HttpRequest.BodyPublishers.ofString(OpenInferenceTest.bytesRequest(
                                List.of(images.get(i))).toString())).build();
                answers.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < images.size(); i++) {
                HttpResponse<String> response = answers.get(i).get();
                assertEquals(200, response.statusCode(), response.body());
                Prediction alone = classifier.predict(images.get(i));
                float[] served = probabilities(JSON.readTree(response.body()), classifier.labels());
                for (int j = 0; j < served.length; j++) {
                    assertEquals(alone.probabilities()[j], served[j], 1e-6, engine + " image " + i + " class " + j);
                }
            }
            Map<String, Double> metrics = MetricsEndpointTest.parse(client.send(HttpRequest.newBuilder(
                    server.uri().resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertEquals(images.size(), metrics.get("graft_batch_images_sum"), 0.0,
                    "each image in exactly one model call");
        }
    }

    /** The probabilities of a v1 or v2 answer for one image, in label order. */
    private static float[] probabilities(JsonNode answer, List<String> labels) {
        float[] p = new float[labels.size()];
        if (answer.has("outputs")) {
            JsonNode data = answer.get("outputs").get(0).get("data");
            for (int j = 0; j < p.length; j++) {
                p[j] = (float) data.get(j).asDouble();
            }
            return p;
        }
        for (JsonNode top : answer.get("predictions").get(0).get("top")) {
            p[top.get("index").asInt()] = (float) top.get("probability").asDouble();
        }
        return p;
    }
}
