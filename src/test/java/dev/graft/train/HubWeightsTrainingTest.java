package dev.graft.train;

import dev.graft.backbone.Backbone;
import dev.graft.backbone.BackboneLoader;
import dev.graft.backbone.ResNetSpec;
import dev.graft.backbone.HuggingFaceHub;
import dev.graft.backbone.WeightDownloader;
import dev.graft.backbone.WeightStore;
import dev.graft.config.Arch;
import dev.graft.config.ExperimentConfig;
import dev.graft.run.RunDirectory;
import dev.graft.testing.ColourFolders;
import dev.graft.testing.HubFixtureServer;
import dev.graft.testing.TinyExperiments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code backbone.weights: hf://...} for training: a ResNet-18-shaped repo on a loopback Hub is fetched once, then
 * a whole run trains with the server gone, from the cache.
 */
class HubWeightsTrainingTest {
    static final String REPO = "graft-test/resnet18-like";

    @TempDir
    Path dir;

    @Test
    void aRunFetchesOnceThenTrainsOfflineFromTheCache() throws IOException {
        ColourFolders.colourFolders(dir.resolve("colours"), 8, 24, 5);
        ExperimentConfig config = TinyExperiments.config(dir, "hub", 1, "backbone.arch=resnet18",
                "backbone.weights=hf://" + REPO, "backbone.freeze=all", "data.image_size=32");
        assertEquals("hf://" + REPO, config.backbone().weights(), "kept as written, not made a path");
        WeightDownloader downloader = WeightDownloader.standard();
        WeightStore store = new WeightStore(dir.resolve("store"), downloader);

        HubFixtureServer hub = HubFixtureServer.start();
        Backbone fetched;
        try {
            hub.small(REPO, "main", "config.json", RESNET18_CONFIG.getBytes(StandardCharsets.UTF_8));
            hub.large(REPO, "main", "model.safetensors", resnet18Safetensors());
            hub.small(REPO, "main", "preprocessor_config.json",
                    HubFixtureServer.FIXTURE_PREPROCESSOR.getBytes(StandardCharsets.UTF_8));
            fetched = loader(store, hub, downloader).load(Arch.RESNET18, config.backbone().weights());
        } finally {
            hub.close();
        }
        assertTrue(hub.requests().stream().anyMatch(p -> p.endsWith("/model.safetensors")), "fetched once");
        assertTrue(fetched.spec().sameBackbone(ResNetSpec.of(Arch.RESNET18)) && !fetched.spec().hasClassifier(),
                fetched.spec().describe());

        // The server is gone: the run must find everything in the cache.
        TrainResult result;
        try (RunDirectory run = TestRuns.newRun(dir, config)) {
            result = new Trainer(config, run, new StopSignal(), loader(store, hub, downloader)).train(null);
        }
        assertEquals(TrainResult.Status.COMPLETED, result.status(), result.message());
        assertTrue(Float.isFinite((float) result.history().get(0).trainLoss()));
    }

    private static BackboneLoader loader(WeightStore store, HubFixtureServer hub, WeightDownloader downloader) {
        return new BackboneLoader(store, new HuggingFaceHub(hub.endpoint(), store.dir(), downloader), false, 0);
    }

    static final String RESNET18_CONFIG = """
            {"model_type": "resnet", "num_channels": 3, "embedding_size": 64, "hidden_sizes": [64, 128, 256, 512],
             "depths": [2, 2, 2, 2], "layer_type": "basic", "hidden_act": "relu",
             "downsample_in_first_stage": false, "downsample_in_bottleneck": false}""";

    /** A ResNet-18 backbone (no classifier) with small random weights, torchvision names, as safetensors. */
    static byte[] resnet18Safetensors() throws IOException {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("conv1.weight", new long[] {64, 3, 7, 7});
        batchNorm(shapes, "bn1", 64);
        int in = 64;
        int[] widths = {64, 128, 256, 512};
        for (int l = 0; l < 4; l++) {
            int out = widths[l];
            for (int b = 0; b < 2; b++) {
                String p = "layer" + (l + 1) + "." + b + ".";
                shapes.put(p + "conv1.weight", new long[] {out, b == 0 ? in : out, 3, 3});
                batchNorm(shapes, p + "bn1", out);
                shapes.put(p + "conv2.weight", new long[] {out, out, 3, 3});
                batchNorm(shapes, p + "bn2", out);
                if (b == 0 && in != out) {
                    shapes.put(p + "downsample.0.weight", new long[] {out, in, 1, 1});
                    batchNorm(shapes, p + "downsample.1", out);
                }
            }
            in = out;
        }
        return safetensors(shapes, new Random(11));
    }

    private static void batchNorm(Map<String, long[]> shapes, String prefix, int channels) {
        for (String t : new String[] {"weight", "bias", "running_mean", "running_var"}) {
            shapes.put(prefix + "." + t, new long[] {channels});
        }
    }

    private static byte[] safetensors(Map<String, long[]> shapes, Random random) throws IOException {
        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long n = 1;
            StringBuilder dims = new StringBuilder();
            for (long d : e.getValue()) {
                n *= d;
                dims.append(dims.length() == 0 ? "" : ",").append(d);
            }
            header.append(header.length() == 1 ? "" : ",").append('"').append(e.getKey())
                    .append("\":{\"dtype\":\"F32\",\"shape\":[").append(dims).append("],\"data_offsets\":[")
                    .append(offset).append(',').append(offset + 4 * n).append("]}");
            offset += 4 * n;
        }
        header.append('}');
        while (header.length() % 8 != 0) {
            header.append(' ');
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length()).array());
        out.write(header.toString().getBytes(StandardCharsets.US_ASCII));
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long n = 1;
            for (long d : e.getValue()) {
                n *= d;
            }
            boolean variance = e.getKey().endsWith("running_var");
            boolean gamma = e.getKey().endsWith("bn1.weight") || e.getKey().endsWith("bn2.weight")
                    || e.getKey().endsWith("downsample.1.weight");
            ByteBuffer values = ByteBuffer.allocate((int) (4 * n)).order(ByteOrder.LITTLE_ENDIAN);
            for (long i = 0; i < n; i++) {
                values.putFloat(variance || gamma ? 1f : (float) (random.nextGaussian() * 0.05));
            }
            out.write(values.array());
        }
        return out.toByteArray();
    }
}
