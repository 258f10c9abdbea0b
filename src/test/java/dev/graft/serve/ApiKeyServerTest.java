package dev.graft.serve;

import dev.graft.GraftException;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --api-key-file} on a real server on loopback: no key or a wrong one is 401, health stays open. */
class ApiKeyServerTest {
    static final String KEY = "0123456789abcdef0123456789abcdef";
    static final String OTHER_KEY = "fedcba9876543210fedcba9876543210";

    @TempDir
    static Path dir;
    static Classifier classifier;
    static InferenceServer server;
    static HttpClient client;

    @BeforeAll
    static void start() throws IOException {
        Path keys = Files.writeString(dir.resolve("keys.txt"), "# service keys\n" + KEY + "\n\n  " + OTHER_KEY
                + "  \n");
        classifier = Classifier.load(TrainedFixture.get().bundle);
        server = InferenceServer.start(classifier, ServerOptions.defaults(0).withApiKeys(ApiKeys.read(keys)));
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

    private static HttpResponse<String> get(String path, String header, String value)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(30));
        if (header != null) {
            request.header(header, value);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void requestsWithoutAValidKeyAreRefused() throws Exception {
        for (String path : new String[] {"/v1/model", "/v1/predict", "/v1/nothing-here"}) {
            HttpResponse<String> none = get(path, null, null);
            assertEquals(401, none.statusCode(), path + ": " + none.body());
            assertTrue(none.body().contains("\"unauthorized\"") && none.body().contains("X-API-Key"), none.body());
            assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(""));
        }
        assertEquals(401, get("/v1/model", "Authorization", "Bearer " + KEY.substring(1)).statusCode());
        assertEquals(401, get("/v1/model", "Authorization", "Basic " + KEY).statusCode(), "not a bearer token");
        assertEquals(401, get("/v1/model", "X-API-Key", KEY + "0").statusCode());
    }

    @Test
    void eitherHeaderWithAnyListedKeyIsAccepted() throws Exception {
        assertEquals(200, get("/v1/model", "Authorization", "Bearer " + KEY).statusCode());
        assertEquals(200, get("/v1/model", "authorization", "bearer " + OTHER_KEY).statusCode());
        assertEquals(200, get("/v1/model", "X-API-Key", OTHER_KEY).statusCode());
        HttpResponse<String> wrongMethod = get("/v1/predict", "X-API-Key", KEY);
        assertEquals(405, wrongMethod.statusCode(), "past the key check, the route's own answer");
    }

    @Test
    void healthStaysOpenForPlatformProbes() throws Exception {
        HttpResponse<String> health = get("/v1/health", null, null);
        assertEquals(200, health.statusCode(), health.body());
    }

    @Test
    void unusableKeyFilesAreUsageErrors(@TempDir Path tmp) throws IOException {
        Path empty = Files.writeString(tmp.resolve("empty.txt"), "# nothing yet\n\n");
        Path weak = Files.writeString(tmp.resolve("weak.txt"), "secret\n");
        GraftException missing = assertThrows(GraftException.class, () -> ApiKeys.read(tmp.resolve("none.txt")));
        assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
        GraftException noKey = assertThrows(GraftException.class, () -> ApiKeys.read(empty));
        assertTrue(noKey.getMessage().contains("holds no key"), noKey.getMessage());
        GraftException shortKey = assertThrows(GraftException.class, () -> ApiKeys.read(weak));
        assertTrue(shortKey.getMessage().contains("line 1") && shortKey.getMessage().contains("at least 16"),
                shortKey.getMessage());
        for (GraftException e : new GraftException[] {missing, noKey, shortKey}) {
            assertEquals(GraftException.USAGE, e.exitCode());
        }
    }
}
