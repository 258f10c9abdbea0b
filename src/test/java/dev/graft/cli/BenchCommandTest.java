package dev.graft.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code graft bench} measures each workload and engine of a tiny config and prints one parseable line. */
class BenchCommandTest {
    private static final Pattern LINE = Pattern.compile(
            "(infer|train) +(dl4j|onnx) +resnet20_cifar +16 px +batch +4 .* ([0-9.]+) images/s +([0-9.]+) ms/batch"
                    + " +peak RSS +([0-9]+) MiB");

    @TempDir
    Path tmp;

    @Test
    void everyModeAndEnginePrintsThroughputAndMemory() throws IOException {
        Path config = tmp.resolve("bench.yaml");
        Files.writeString(config, """
                name: bench
                backbone: {arch: resnet20_cifar, weights: none, freeze: [stem]}
                data: {root: ., image_size: 16}
                train: {batch_size: 4}
                """);
        String[][] runs = {{"train", "dl4j"}, {"infer", "dl4j"}, {"infer", "onnx"}};
        for (String[] run : runs) {
            CliRun r = CliRun.of("bench", "--config", config.toString(), "--mode", run[0], "--engine", run[1],
                    "--batches", "2", "--warmup", "1");
            assertEquals(0, r.code(), r.err());
            Matcher m = LINE.matcher(r.out());
            assertTrue(m.find(), "bench line in: " + r.out());
            assertEquals(run[0], m.group(1));
            assertEquals(run[1], m.group(2));
            assertTrue(Double.parseDouble(m.group(3)) > 0, r.out());
            assertTrue(Long.parseLong(m.group(5)) > 0, "peak RSS read from /proc: " + r.out());
            assertTrue(r.out().contains("stem"), "frozen stages listed: " + r.out());
        }
    }

    @Test
    void onnxEngineOnlyMeasuresInference() throws IOException {
        Path config = tmp.resolve("bench.yaml");
        Files.writeString(config, "backbone: {arch: resnet20_cifar, weights: none}\ndata: {root: .}\n");
        CliRun r = CliRun.of("bench", "--config", config.toString(), "--mode", "train", "--engine", "onnx");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--mode infer"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }
}
