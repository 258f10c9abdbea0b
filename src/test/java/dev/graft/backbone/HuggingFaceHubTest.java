package dev.graft.backbone;

import dev.graft.GraftException;
import dev.graft.testing.HubFixtureServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hub ids fetched from a Hub stand-in on loopback ({@link HubFixtureServer}) serving the committed Hugging Face
 * fixture {@code basic_hf} (config.json + model.safetensors, PyTorch's logits in {@code basic_tv.logits.npy}).
 */
class HuggingFaceHubTest {
    static final String REPO = "graft-test/tiny-resnet";
    static final String PREPROCESSOR = HubFixtureServer.FIXTURE_PREPROCESSOR;

    @TempDir
    Path dir;

    HubFixtureServer server;
    WeightDownloader downloader = new WeightDownloader(HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL).build(), Duration.ofSeconds(10));

    @BeforeEach
    void start() throws IOException {
        server = HubFixtureServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    HuggingFaceHub hub(URI endpoint) {
        return new HuggingFaceHub(endpoint, dir, downloader);
    }

    BackboneLoader loader(URI endpoint) {
        return new BackboneLoader(new WeightStore(dir, downloader), hub(endpoint), false, 0);
    }

    static void assertPyTorchLogits(Backbone b) throws IOException {
        INDArray logits = b.logits(TorchFixtures.array("basic_tv.input.npy"));
        double error = TorchFixtures.relativeError(logits, TorchFixtures.array("basic_tv.logits.npy"));
        assertTrue(error < 1e-4, "relative error " + error);
    }

    private static List<String> files(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void fetchesOnceThroughTheRedirectAndReproducesPyTorch() throws IOException {
        server.serveFixtureModel(REPO, "main");
        Backbone b = loader(server.endpoint()).load(null, REPO);
        assertPyTorchLogits(b);
        assertEquals(REPO, b.spec().name());
        assertEquals("airplane", b.classNames().get(0), "labels from id2label");
        assertEquals(new InputSpec(64, 73, false, InputSpec.IMAGENET_MEAN, InputSpec.IMAGENET_STD,
                InputSpec.Resample.BICUBIC, InputSpec.CropRounding.FLOOR), b.input(), "preprocessor_config.json");
        assertTrue(server.requests().stream().anyMatch(p -> p.startsWith("/cdn/")), "redirect followed");

        Path folder = dir.resolve("hf/graft-test/tiny-resnet/main");
        assertEquals(List.of("SHA256SUMS", "config.json", "model.safetensors", "preprocessor_config.json"),
                files(folder));
        String sums = Files.readString(folder.resolve("SHA256SUMS"));
        assertTrue(sums.contains(Sha256.of(folder.resolve("model.safetensors")) + "  model.safetensors"), sums);
        assertTrue(sums.contains(Sha256.of(folder.resolve("config.json")) + "  config.json"), sums);

        int requests = server.requests().size();
        server.close(); // offline from now on: the cached folder is enough
        assertPyTorchLogits(loader(server.endpoint()).load(null, "hf://" + REPO));
        assertEquals(requests, server.requests().size());
    }

    @Test
    void withoutSafetensorsTheWeightsComeFromPytorchModelBin() throws IOException {
        server.small(REPO, "main", "config.json",
                Files.readAllBytes(TorchFixtures.DIR.resolve("basic_hf/config.json")));
        server.large(REPO, "main", "pytorch_model.bin",
                Files.readAllBytes(TorchFixtures.DIR.resolve("basic_tv.zip.pth")));
        server.small(REPO, "main", "preprocessor_config.json", PREPROCESSOR.getBytes(StandardCharsets.UTF_8));
        assertPyTorchLogits(loader(server.endpoint()).load(null, REPO));
        assertTrue(server.requests().contains("/" + REPO + "/resolve/main/model.safetensors"), "tried first");
        assertFalse(Files.exists(dir.resolve("hf/graft-test/tiny-resnet/main/model.safetensors")));
    }

    @Test
    void aRevisionIsPartOfTheUrlAndOfTheCacheFolder() throws IOException {
        server.serveFixtureModel(REPO, "v1.0");
        assertPyTorchLogits(loader(server.endpoint()).load(null, "hf://" + REPO + "@v1.0"));
        assertTrue(Files.isRegularFile(dir.resolve("hf/graft-test/tiny-resnet/v1.0/model.safetensors")));
        GraftException e = assertThrows(GraftException.class, () -> loader(server.endpoint()).load(null, REPO));
        assertTrue(e.getMessage().contains("at revision main"), e.getMessage());
    }

    @Test
    void anUnknownRepoNamesTheRepoAndTheFile() {
        GraftException e = assertThrows(GraftException.class,
                () -> loader(server.endpoint()).load(null, "hf://graft-test/nothing-here"));
        assertTrue(e.getMessage().contains("graft-test/nothing-here") && e.getMessage().contains("config.json")
                && e.getMessage().contains("HTTP 404"), e.getMessage());
        assertEquals(GraftException.USAGE, e.exitCode());
    }

    @Test
    void aRepoWithoutEitherWeightsFileSaysSo() throws IOException {
        server.small(REPO, "main", "config.json",
                Files.readAllBytes(TorchFixtures.DIR.resolve("basic_hf/config.json")));
        GraftException e = assertThrows(GraftException.class, () -> loader(server.endpoint()).load(null, REPO));
        assertTrue(e.getMessage().contains("neither model.safetensors nor pytorch_model.bin"), e.getMessage());
    }

    @Test
    void aTruncatedBodyKeepsNoCacheEntry() throws IOException {
        server.small(REPO, "main", "config.json",
                Files.readAllBytes(TorchFixtures.DIR.resolve("basic_hf/config.json")));
        server.truncated(REPO, "main", "model.safetensors",
                Files.readAllBytes(TorchFixtures.DIR.resolve("basic_hf/model.safetensors")));
        GraftException e = assertThrows(GraftException.class, () -> loader(server.endpoint()).load(null, REPO));
        assertTrue(e.getMessage().contains("interrupted after") && e.getMessage().contains("nothing was kept"),
                e.getMessage());
        assertEquals(List.of("SHA256SUMS", "config.json"), files(dir.resolve("hf/graft-test/tiny-resnet/main")),
                "no weights file, no partial file");
    }

    @Test
    void aBodyNotMatchingTheAnnouncedSha256IsRejected() throws IOException {
        server.small(REPO, "main", "config.json",
                Files.readAllBytes(TorchFixtures.DIR.resolve("basic_hf/config.json")));
        server.large(REPO, "main", "model.safetensors",
                Files.readAllBytes(TorchFixtures.DIR.resolve("basic_hf/model.safetensors")), "0".repeat(64));
        GraftException e = assertThrows(GraftException.class, () -> loader(server.endpoint()).load(null, REPO));
        assertTrue(e.getMessage().contains("corrupt") && e.getMessage().contains("0".repeat(64)), e.getMessage());
        assertFalse(Files.exists(dir.resolve("hf/graft-test/tiny-resnet/main/model.safetensors")));
    }

    @Test
    void offlineTheMessageSaysWhatToFetchAndWhereToPutIt() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        URI endpoint = URI.create("http://127.0.0.1:" + closedPort);
        GraftException e = assertThrows(GraftException.class, () -> loader(endpoint).load(null, REPO));
        String base = endpoint + "/" + REPO + "/resolve/main/";
        for (String expected : List.of(base + "config.json", base + "model.safetensors", base
                + "preprocessor_config.json", dir.resolve("hf/graft-test/tiny-resnet/main").toString())) {
            assertTrue(e.getMessage().contains(expected), expected + " in: " + e.getMessage());
        }
    }

    @Test
    void theEndpointComesFromGraftsVariableThenHuggingFaces() {
        assertEquals(URI.create("http://mirror:8080"), HuggingFaceHub.endpoint(Map.of(HuggingFaceHub.ENV,
                "http://mirror:8080", HuggingFaceHub.HF_ENV, "http://other")));
        assertEquals(URI.create("https://hf-mirror.com"), HuggingFaceHub.endpoint(Map.of(HuggingFaceHub.HF_ENV,
                "https://hf-mirror.com")));
        assertEquals(URI.create("https://huggingface.co"), HuggingFaceHub.endpoint(Map.of()));
        GraftException e = assertThrows(GraftException.class,
                () -> HuggingFaceHub.endpoint(Map.of(HuggingFaceHub.ENV, "mirror.local")));
        assertTrue(e.getMessage().contains(HuggingFaceHub.ENV + "=mirror.local"), e.getMessage());
        assertEquals(URI.create("http://mirror:8080/org/name/resolve/main/config.json"),
                new HuggingFaceHub(URI.create("http://mirror:8080/"), dir, downloader)
                        .urlOf(new dev.graft.config.HubId("org", "name", "main"), "config.json"));
    }
}
