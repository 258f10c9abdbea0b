package dev.graft.backbone;

import dev.graft.GraftException;
import dev.graft.config.Arch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A bad weights file gives one clear GraftException saying what is wrong, never a raw library exception. */
class CheckpointErrorTest {
    @TempDir
    Path dir;

    private GraftException loadFails(ResNetSpec spec, Path file) {
        return assertThrows(GraftException.class, () -> TorchFixtures.loader(dir.resolve("store"))
                .load(spec, file, InputSpec.forStem(spec.stem())));
    }

    private Path truncated(String fixture, double fraction) throws IOException {
        byte[] all = Files.readAllBytes(TorchFixtures.DIR.resolve(fixture));
        Path out = dir.resolve("cut-" + fixture);
        Files.write(out, java.util.Arrays.copyOf(all, (int) (all.length * fraction)));
        return out;
    }

    private static ResNetSpec basic() throws IOException {
        return TorchFixtures.spec(TorchFixtures.manifest().path("fixtures").get(0));
    }

    @Test
    void truncatedZipCheckpoint() throws IOException {
        GraftException e = loadFails(basic(), truncated("basic_tv.zip.pth", 0.6));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void truncatedLegacyCheckpoint() throws IOException {
        GraftException e = loadFails(basic(), truncated("basic_tv.legacy.pth", 0.6));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        GraftException early = loadFails(basic(), truncated("basic_tv.legacy.pth", 0.01));
        assertTrue(early.getMessage().contains("basic_tv.legacy.pth"), early.getMessage());
    }

    @Test
    void textFileIsNotACheckpoint() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.pth"), "these are not weights\n");
        GraftException e = loadFails(basic(), text);
        assertTrue(e.getMessage().contains("not a PyTorch checkpoint"), e.getMessage());
        Path empty = Files.write(dir.resolve("empty.pth"), new byte[0]);
        assertTrue(loadFails(basic(), empty).getMessage().contains("empty"));
        assertTrue(loadFails(basic(), dir.resolve("missing.pth")).getMessage().contains("not found"));
    }

    @Test
    void checkpointOfAnotherDepthListsMissingUnexpectedAndWrongShapes() throws IOException {
        ResNetSpec deeper = basic().withName("deeper");
        ResNetSpec wanted = new ResNetSpec("deeper", deeper.stem(), deeper.block(), List.of(2, 2, 1),
                List.of(8, 16, 32), deeper.stemWidth(), List.of(1, 2, 2), true, deeper.shortcut(), 0);
        GraftException e = loadFails(wanted, TorchFixtures.DIR.resolve("basic_tv.zip.pth"));
        String m = e.getMessage();
        assertTrue(m.contains("missing (") && m.contains("layer2.1.conv1.weight"), m);
        assertTrue(m.contains("wrong shape (1): fc.weight: deeper needs [10, 32], file has [10, 64]"), m);
        assertTrue(m.contains("unexpected (") && m.contains("layer4.0.downsample.0.weight"), m);
        assertTrue(m.contains("looks like: basic blocks [2, 1, 1, 1]"), m);
    }

    @Test
    void aResNet34FileGivenForResNet50SaysSo() {
        // Keys of a real resnet34 state dict (tiny tensors: only names and the stem shape matter here).
        Map<String, CheckpointTensor> keys = new LinkedHashMap<>();
        keys.put("conv1.weight", new CheckpointTensor("float32", new long[] {1, 1, 7, 7}, new float[49]));
        int[] depths = {3, 4, 6, 3};
        for (int s = 1; s <= 4; s++) {
            for (int b = 0; b < depths[s - 1]; b++) {
                for (String p : List.of("conv1.weight", "bn1.weight", "conv2.weight", "bn2.weight")) {
                    keys.put("layer" + s + "." + b + "." + p, new CheckpointTensor("float32", new long[] {1},
                            new float[1]));
                }
            }
        }
        StateDict dict = new StateDict("resnet34-b627a593.pth", keys);
        org.deeplearning4j.nn.graph.ComputationGraph graph = new org.deeplearning4j.nn.graph.ComputationGraph(
                ResNetBuilder.blueprint(ResNetSpec.of(Arch.RESNET50), 64, 0).configuration());
        graph.init();
        GraftException e = assertThrows(GraftException.class,
                () -> WeightImporter.importInto(graph, dict, ResNetSpec.of(Arch.RESNET50)));
        assertTrue(e.getMessage().contains("do not fit resnet50"), e.getMessage());
        assertTrue(e.getMessage().contains("looks like: resnet34 (basic blocks [3, 4, 6, 3])"), e.getMessage());
        assertTrue(e.getMessage().contains("... and "), "long lists are shortened: " + e.getMessage());
    }

    @Test
    void huggingFaceFolderOfAnotherModelOrArchitecture() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("vit"));
        Files.writeString(folder.resolve("config.json"), "{\"model_type\": \"vit\"}");
        assertTrue(loadFails(basic(), folder).getMessage().contains("'vit' model"));
        GraftException e = loadFails(ResNetSpec.of(Arch.RESNET50), TorchFixtures.DIR.resolve("basic_hf"));
        assertTrue(e.getMessage().contains("config.json describes"), e.getMessage());
    }

    @Test
    void noImageNetWeightsForCifarOrMissingVariants() {
        BackboneLoader loader = TorchFixtures.loader(dir);
        GraftException cifar = assertThrows(GraftException.class, () -> loader.load(Arch.RESNET56_CIFAR, "imagenet"));
        assertTrue(cifar.getMessage().contains("no ImageNet weights for resnet56_cifar"), cifar.getMessage());
        GraftException v2 = assertThrows(GraftException.class, () -> loader.load(Arch.RESNET18, "imagenet_v2"));
        assertTrue(v2.getMessage().contains("available: [imagenet]"), v2.getMessage());
    }
}
