package dev.graft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.backbone.Backbone;
import dev.graft.backbone.BackboneLoader;
import dev.graft.backbone.HuggingFaceHub;
import dev.graft.backbone.ReferencePreprocessor;
import dev.graft.backbone.WeightDownloader;
import dev.graft.backbone.WeightStore;
import dev.graft.testing.HubFixtureServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code graft classify --weights org/name IMAGE} as a user runs it (own JVM, endpoint from the environment),
 * against a Hub stand-in on loopback: the logits equal those of Graft's local-folder Hugging Face import (itself
 * checked against PyTorch) on the same files, and a second run works with the server gone.
 */
class HubClassifyTest {
    static final String REPO = "graft-test/tiny-resnet";
    static final Path IMAGE = Path.of("src", "test", "resources", "fixtures", "hf", "odd.png");

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    private Run graft(String endpoint, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), GraftMain.class.getName()));
        command.addAll(List.of(args));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put(HuggingFaceHub.ENV, endpoint);
        pb.environment().remove(HuggingFaceHub.HF_ENV);
        pb.environment().put(WeightStore.ENV, dir.resolve("store").toString());
        Process p = pb.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "graft classify finished");
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Graft's local-folder import of the same three files. */
    private float[] localLogits() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("local/tiny-resnet"));
        for (String f : List.of("config.json", "model.safetensors")) {
            Files.copy(HubFixtureServer.FIXTURE_MODEL.resolve(f), folder.resolve(f));
        }
        Files.writeString(folder.resolve("preprocessor_config.json"), HubFixtureServer.FIXTURE_PREPROCESSOR);
        Backbone b = new BackboneLoader(new WeightStore(dir.resolve("local-store"), WeightDownloader.standard()),
                false, 0).load(null, folder.toString());
        return b.logits(new ReferencePreprocessor(b.input()).batch(List.of(IMAGE))).getRow(0).toFloatVector();
    }

    @Test
    void classifyByHubIdMatchesTheLocalImportAndThenRunsOffline() throws Exception {
        float[] expected = localLogits();
        int best = 0;
        for (int i = 1; i < expected.length; i++) {
            best = expected[i] > expected[best] ? i : best;
        }
        String label = new ObjectMapper().readTree(HubFixtureServer.FIXTURE_MODEL.resolve("config.json").toFile())
                .path("id2label").path(String.valueOf(best)).asText();

        String endpoint;
        Run json;
        try (HubFixtureServer hub = HubFixtureServer.start()) {
            hub.serveFixtureModel(REPO, "main");
            endpoint = hub.endpoint().toString();
            json = graft(endpoint, "classify", "--weights", REPO, "--json", "--all-logits", "--top", "3",
                    IMAGE.toString());
        }
        assertEquals(0, json.exit(), json.err());
        JsonNode doc = new ObjectMapper().readTree(json.out()).path("images").get(0);
        JsonNode logits = doc.path("logits");
        assertEquals(expected.length, logits.size());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], logits.get(i).floatValue(), 1e-4 * Math.max(1, Math.abs(expected[i])),
                    "logit " + i);
        }
        assertEquals(label, doc.path("top").get(0).path("label").asText());

        Run offline = graft(endpoint, "classify", "--weights", "hf://" + REPO, "--top", "1", IMAGE.toString());
        assertEquals(0, offline.exit(), offline.err());
        assertTrue(offline.out().contains("1. " + label), offline.out());
        assertTrue(offline.out().toLowerCase(Locale.ROOT).contains("logit"), offline.out());
    }

    @Test
    void anUnknownRepoIsAUsageErrorWithoutStackTrace() throws Exception {
        try (HubFixtureServer hub = HubFixtureServer.start()) {
            Run r = graft(hub.endpoint().toString(), "classify", "--weights", "hf://graft-test/missing",
                    IMAGE.toString());
            assertEquals(2, r.exit(), r.err());
            assertTrue(r.err().contains("graft-test/missing") && r.err().contains("config.json"), r.err());
            assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
        }
    }
}
