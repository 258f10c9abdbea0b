package dev.graft.backbone;

import dev.graft.GraftException;
import dev.graft.config.Arch;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The weight sources besides PyTorch files, and the converted-graph cache. */
class BackboneLoaderTest {
    @TempDir
    Path dir;

    ResNetSpec spec;
    INDArray input;
    INDArray expected;

    @BeforeEach
    void fixture() throws IOException {
        spec = TorchFixtures.spec(TorchFixtures.manifest().path("fixtures").get(0)); // basic_tv
        input = TorchFixtures.array("basic_tv.input.npy");
        expected = TorchFixtures.array("basic_tv.logits.npy");
    }

    private BackboneLoader loader(boolean cache) {
        return new BackboneLoader(new WeightStore(dir.resolve("store"), WeightDownloader.standard()), cache, 0);
    }

    private void assertPyTorchLogits(Backbone b) {
        assertTrue(TorchFixtures.relativeError(b.logits(input), expected) < 1e-4);
    }

    private List<Path> cacheFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().contains(".graft-")).toList();
        }
    }

    @Test
    void secondLoadUsesTheCacheNextToTheSourceUntilTheSourceChanges() throws IOException {
        Path source = Files.copy(TorchFixtures.DIR.resolve("basic_tv.legacy.pth"), dir.resolve("basic.pth"));
        assertPyTorchLogits(loader(true).load(spec, source, InputSpec.imagenet(256)));
        List<Path> cached = cacheFiles(dir);
        assertEquals(1, cached.size(), "one converted cache next to the source");
        Backbone again = loader(true).load(spec, source, InputSpec.imagenet(256));
        assertPyTorchLogits(again);
        assertEquals(10, again.spec().numClasses());
        Files.setLastModifiedTime(source, FileTime.fromMillis(Files.getLastModifiedTime(source).toMillis() + 5000));
        loader(true).load(spec, source, InputSpec.imagenet(256));
        List<Path> after = cacheFiles(dir);
        assertEquals(1, after.size(), "the stale entry was replaced");
        assertFalse(after.equals(cached), "a changed source gets a new key");
    }

    @Test
    void aCorruptCacheIsIgnored() throws IOException {
        Path source = Files.copy(TorchFixtures.DIR.resolve("basic_tv.zip.pth"), dir.resolve("basic.pth"));
        loader(true).load(spec, source, InputSpec.imagenet(256));
        Path cached = cacheFiles(dir).get(0);
        Files.write(cached, new byte[] {1, 2, 3});
        assertPyTorchLogits(loader(true).load(spec, source, InputSpec.imagenet(256)));
    }

    @Test
    void graftDl4jZipIsAWeightSource() throws IOException {
        Backbone converted = loader(false).load(spec, TorchFixtures.DIR.resolve("basic_tv.zip.pth"),
                InputSpec.imagenet(256));
        Path zip = dir.resolve("basic.zip");
        ModelSerializer.writeModel(converted.graph(), zip.toFile(), false);
        assertEquals(WeightFormat.DL4J_ZIP, WeightFormat.detect(zip));
        Backbone back = loader(false).load(spec, zip, InputSpec.imagenet(256));
        assertEquals(converted.logits(input), back.logits(input));
        ResNetSpec other = ResNetSpec.of(Arch.RESNET18);
        GraftException e = assertThrows(GraftException.class,
                () -> loader(false).load(other, zip, InputSpec.imagenet(256)));
        assertTrue(e.getMessage().contains("does not fit resnet18"), e.getMessage());
    }

    @Test
    void safetensorsFileAndPytorchModelBinFolder() throws IOException {
        Path single = Files.copy(TorchFixtures.DIR.resolve("basic_hf/model.safetensors"), dir.resolve("w.safetensors"));
        assertPyTorchLogits(loader(false).load(spec, single, InputSpec.imagenet(256)));
        Path folder = Files.createDirectories(dir.resolve("hf"));
        Files.copy(TorchFixtures.DIR.resolve("basic_hf/config.json"), folder.resolve("config.json"));
        Files.copy(TorchFixtures.DIR.resolve("basic_tv.zip.pth"), folder.resolve("pytorch_model.bin"));
        Backbone hf = loader(false).load(null, folder, InputSpec.imagenet(256));
        assertPyTorchLogits(hf);
        assertEquals("airplane", hf.classNames().get(0), "id2label");
    }

    @Test
    void noneIsRandomAndUsesTheSeed() {
        BackboneLoader a = new BackboneLoader(new WeightStore(dir, WeightDownloader.standard()), false, 7);
        Backbone one = a.load(Arch.RESNET20_CIFAR, "none");
        Backbone two = a.load(Arch.RESNET20_CIFAR, "none");
        assertEquals(one.graph().params(), two.graph().params());
        assertEquals(InputSpec.cifar(), one.input());
        assertEquals(List.of("stem", "stage1", "stage2", "stage3"), one.stages().names());
    }

    @Test
    void publishedWeightsAreCheckedBeforeConversion() throws IOException {
        WeightStore store = new WeightStore(dir, new WeightDownloader(java.net.http.HttpClient.newHttpClient(),
                Duration.ofSeconds(5)));
        PretrainedWeights r18 = PretrainedWeights.find(Arch.RESNET18, "imagenet").orElseThrow();
        Files.copy(TorchFixtures.DIR.resolve("basic_tv.zip.pth"), store.pathOf(r18));
        GraftException e = assertThrows(GraftException.class,
                () -> new BackboneLoader(store, false, 0).load(Arch.RESNET18, "imagenet"));
        assertTrue(e.getMessage().contains("is not resnet18 IMAGENET1K_V1"), e.getMessage());
    }

    @Test
    void everyArchitectureHasItsPublishedWeights() {
        for (Arch arch : Arch.values()) {
            boolean imagenet = arch.family() == Arch.Family.IMAGENET;
            assertEquals(imagenet, PretrainedWeights.find(arch, "imagenet").isPresent(), arch.id());
            PretrainedWeights.of(arch).forEach(w -> {
                assertTrue(w.fileName().startsWith(arch.id() + "-" + w.sha256().substring(0, 8)), w.fileName());
                assertTrue(w.sha256().matches("[0-9a-f]{8}|[0-9a-f]{64}"), w.sha256());
            });
        }
        assertEquals(232, PretrainedWeights.find(Arch.RESNET50, "imagenet_v2").orElseThrow().resize());
    }
}
