package dev.graft.backbone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The PyTorch golden fixtures of {@code tools/make_torch_fixtures.py}, described by their manifest. */
final class TorchFixtures {
    static final Path DIR = Path.of("src", "test", "resources", "fixtures", "torch");
    /** The shared folder next to the project ({@code ../shared}); absent on machines without it. */
    static final Path SHARED = Path.of("..", "shared");

    private TorchFixtures() {
    }

    static JsonNode manifest() throws IOException {
        return new ObjectMapper().readTree(DIR.resolve("manifest.json").toFile());
    }

    /** The architecture a fixture entry describes. */
    static ResNetSpec spec(JsonNode fixture) {
        JsonNode arch = fixture.path("arch");
        boolean cifar = arch.path("family").asText().startsWith("cifar");
        List<Integer> depths = ints(arch.path("depths"));
        List<Integer> strides = arch.has("stage_strides") ? ints(arch.path("stage_strides"))
                : cifar ? List.of(1, 2, 2) : List.of(1, 2, 2, 2);
        return new ResNetSpec(fixture.path("name").asText(), cifar ? ResNetSpec.Stem.CIFAR : ResNetSpec.Stem.IMAGENET,
                arch.path("block").asText().equals("bottleneck") ? ResNetSpec.Block.BOTTLENECK : ResNetSpec.Block.BASIC,
                depths, ints(arch.path("widths")), arch.path("stem_width").asInt(), strides, true,
                cifar ? ResNetSpec.Shortcut.ZERO_PAD : ResNetSpec.Shortcut.PROJECTION, 0);
    }

    static INDArray array(String file) throws IOException {
        return Npy.read(DIR.resolve(file));
    }

    /** max|actual - expected| divided by max|expected|, the manifest's relative tolerance measure. */
    static double relativeError(INDArray actual, INDArray expected) {
        double diff = actual.sub(expected).amaxNumber().doubleValue();
        return diff / expected.amaxNumber().doubleValue();
    }

    /** A loader that neither downloads nor caches (tests never write next to fixtures). */
    static BackboneLoader loader(Path storeDir) {
        return new BackboneLoader(new WeightStore(storeDir, new WeightDownloader(
                java.net.http.HttpClient.newHttpClient(), Duration.ofSeconds(5))), false, 0);
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asInt()));
        return out;
    }
}
