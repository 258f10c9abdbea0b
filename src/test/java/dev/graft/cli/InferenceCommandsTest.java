package dev.graft.cli;

import dev.graft.export.TrainedFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code graft export}, {@code graft predict} and {@code graft serve} as a user runs them. */
class InferenceCommandsTest {
    @TempDir
    Path dir;

    @Test
    void exportThenPredictFilesAndFolders() throws IOException {
        TrainedFixture f = TrainedFixture.get();
        Path bundle = dir.resolve("bundle");
        CliRun export = CliRun.of("export", f.run.toString(), "--format", "onnx", "--checkpoint", "last",
                "--out", bundle.toString(), "--zip");
        assertEquals(0, export.code(), export.err());
        assertTrue(export.out().contains("bundle.json, labels.json, model-card.md, model.onnx, preprocessing.json"),
                export.out());
        assertTrue(export.out().contains("onnx check max |logit_onnx - logit_dl4j| / max(1, |logit_dl4j|) = ")
                && export.out().contains(" validation image"), export.out());
        assertTrue(Files.isRegularFile(dir.resolve("bundle.zip")));
        assertFalse(Files.exists(bundle.resolve("model.zip")));

        Path mixed = Files.createDirectories(dir.resolve("mixed/sub"));
        Files.copy(f.allImages().get(0), mixed.resolve("a.png"));
        Files.writeString(mixed.resolve("broken.png"), "not an image");
        Files.writeString(mixed.resolve("notes.txt"), "skipped: not an image extension");
        Path csv = dir.resolve("out.csv");
        CliRun predict = CliRun.of("predict", "--model", dir.resolve("bundle.zip").toString(),
                f.allImages().get(1).toString(), dir.resolve("mixed").toString(), "--top", "2", "--csv",
                csv.toString());
        assertEquals(1, predict.code(), "one unreadable image: " + predict.err());
        assertTrue(predict.err().contains("1 of 3 images could not be read"), predict.err());
        assertTrue(predict.out().contains("broken.png\n  error: "), predict.out());
        List<String> rows = Files.readAllLines(csv);
        assertEquals("path,predicted,probability,top1,p1,top2,p2,error", rows.get(0));
        assertEquals(4, rows.size());
        for (String row : rows.subList(1, 4)) {
            assertEquals(8, row.split(",", -1).length, row);
        }
        assertTrue(rows.get(3).contains("broken.png,,,,,,,"), rows.get(3));

        CliRun ok = CliRun.of("predict", "--model", bundle.toString(), "--engine", "onnx",
                f.allImages().get(2).toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().matches("(?s).*\\n  (blue|green|red) +\\d+\\.\\d\\d%\\n.*"), ok.out());
    }

    @Test
    void mistakesAreUsageErrorsWithoutStackTraces() {
        TrainedFixture f = TrainedFixture.get();
        for (String[] args : List.of(
                new String[] {"export", dir.resolve("nope").toString()},
                new String[] {"export", f.run.toString(), "--format", "tflite"},
                new String[] {"export", f.run.toString(), "--checkpoint", "middle"},
                new String[] {"predict", "--model", f.images.toString(), f.allImages().get(0).toString()},
                new String[] {"predict", "--model", f.bundle.toString(), dir.resolve("none.png").toString()},
                new String[] {"predict", "--model", f.bundle.toString(), "--engine", "tf",
                        f.allImages().get(0).toString()},
                new String[] {"serve", "--model", f.bundle.toString(), "--port", "70000"})) {
            CliRun r = CliRun.of(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("error: "), r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        }
    }

    @Test
    void serveAnswersAndStopsCleanlyOnSigterm() throws Exception {
        TrainedFixture f = TrainedFixture.get();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xss4m", "-cp", System.getProperty("java.class.path"), GraftMain.class.getName(),
                "serve", "--model", f.bundle.toString(), "--port", "0"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            Pattern serving = Pattern.compile("serving .* on (http://127\\.0\\.0\\.1:\\d+)");
            String uri = null;
            StringBuilder log = new StringBuilder();
            for (String line = out.readLine(); line != null && uri == null; line = out.readLine()) {
                log.append(line).append('\n');
                Matcher m = serving.matcher(line);
                if (m.find()) {
                    uri = m.group(1);
                }
            }
            assertTrue(uri != null, "server started: " + log);
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create(uri + "/v1/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
            HttpResponse<String> predict = client.send(HttpRequest.newBuilder(URI.create(uri + "/v1/predict"))
                    .POST(HttpRequest.BodyPublishers.ofFile(f.allImages().get(0))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, predict.statusCode(), predict.body());
            // A real SIGTERM (Process.destroy would also close our end of its output).
            assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor());
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "exits after SIGTERM");
            StringBuilder rest = new StringBuilder();
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                rest.append(line).append('\n');
            }
            assertEquals(0, process.exitValue(), log + rest.toString());
            assertTrue(rest.toString().contains("stopped"), rest.toString());
        } finally {
            process.destroyForcibly();
        }
    }
}
