package dev.graft.backbone;

import dev.graft.GraftException;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A damaged weights file is the user's to fix: a message naming the file, exit code 2, the cause kept. A failure
 * that is not about the file (a bug) is not relabelled as one.
 */
class WeightFileErrorTest {
    @TempDir
    Path dir;

    private GraftException loadFails(Path file) throws IOException {
        ResNetSpec spec = TorchFixtures.spec(TorchFixtures.manifest().path("fixtures").get(0));
        return assertThrows(GraftException.class, () -> TorchFixtures.loader(dir.resolve("store"))
                .load(spec, file, InputSpec.forStem(spec.stem())));
    }

    private Path zip(String name, Map<String, byte[]> entries) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
            }
        }
        return file;
    }

    private static void assertNamesFileWithUsageCode(GraftException e, Path file) {
        assertEquals(GraftException.USAGE, e.exitCode(), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void aDl4jZipWithoutAModelOrWithDamagedPartsIsAClearUsageError() throws IOException {
        Path noModel = zip("other.zip", Map.of("configuration.json", "{}".getBytes(StandardCharsets.UTF_8)));
        GraftException e = loadFails(noModel);
        assertNamesFileWithUsageCode(e, noModel);
        assertTrue(e.getMessage().contains("neither data.pkl (PyTorch) nor configuration.json (DL4J)"),
                e.getMessage());

        Path badJson = zip("bad-config.zip", Map.of("configuration.json", "{not json".getBytes(StandardCharsets.UTF_8),
                "coefficients.bin", new byte[] {1, 2, 3}));
        GraftException parse = loadFails(badJson);
        assertNamesFileWithUsageCode(parse, badJson);
        assertTrue(parse.getCause() != null, "the parser's failure is kept as the cause");
    }

    @Test
    void aTruncatedDl4jZipIsAClearUsageError() throws IOException {
        Backbone random = TorchFixtures.loader(dir.resolve("store")).random(
                TorchFixtures.spec(TorchFixtures.manifest().path("fixtures").get(0)), InputSpec.imagenet(256));
        Path whole = dir.resolve("whole.zip");
        ModelSerializer.writeModel(random.graph(), whole.toFile(), false);
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = Files.write(dir.resolve("cut.zip"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertNamesFileWithUsageCode(loadFails(cut), cut);
    }

    @Test
    void aSafetensorsTensorOfAnUnsupportedTypeIsNamed() throws IOException {
        String header = "{\"w\": {\"dtype\": \"C64\", \"shape\": [1], \"data_offsets\": [0, 8]}}";
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(8 + json.length + 8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(json.length).put(json);
        Path file = Files.write(dir.resolve("complex.safetensors"), buf.array());
        GraftException e = loadFails(file);
        assertNamesFileWithUsageCode(e, file);
        assertTrue(e.getMessage().contains("unsupported dtype \"C64\""), e.getMessage());
    }

    @Test
    void aBugWhileReadingTheConversionCacheIsNotTakenForADamagedCache() throws IOException {
        Path source = Files.copy(TorchFixtures.DIR.resolve("basic_tv.zip.pth"), dir.resolve("basic.pth"));
        ResNetSpec spec = TorchFixtures.spec(TorchFixtures.manifest().path("fixtures").get(0));
        ConvertedGraphCache cache = new ConvertedGraphCache(new WeightStore(dir.resolve("store"),
                new WeightDownloader(java.net.http.HttpClient.newHttpClient(), Duration.ofSeconds(5))));
        ResNetBuilder.Blueprint bp = ResNetBuilder.blueprint(spec, 64, 0);
        cache.save(source, spec, ConvertedGraphCache.digest(bp.configuration()), 0,
                org.nd4j.linalg.factory.Nd4j.zeros(1, 4)).orElseThrow();
        IllegalStateException bug = new IllegalStateException("a bug in the caller");
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> cache.load(source, spec, classes -> {
                    throw bug;
                }));
        assertSame(bug, thrown, "propagated as it is, not logged as an unreadable cache");
    }
}
