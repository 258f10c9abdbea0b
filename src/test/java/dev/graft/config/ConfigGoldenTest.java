package dev.graft.config;

import dev.graft.data.AugmentOp;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Golden config files: every file in {@code configs/valid} loads and round-trips through its resolved YAML;
 * every file in {@code configs/invalid} fails with exactly the error list in its {@code .errors} file
 * ({@code <dir>} stands for the file's folder).
 */
class ConfigGoldenTest {
    private static final Path ROOT = Path.of("src/test/resources/configs");

    @TestFactory
    Stream<DynamicTest> validConfigsLoadAndRoundTrip() throws IOException {
        return files("valid").map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            ConfigLoader loader = new ConfigLoader();
            ExperimentConfig config = loader.load(file);
            // The resolved YAML is itself a valid config that resolves to the same thing.
            Path resolved = Files.createTempFile("resolved", ".yaml");
            Files.writeString(resolved, YamlFiles.toYaml(config));
            ExperimentConfig again = loader.load(resolved);
            assertEquals(config, again, "resolved config must round-trip");
        }));
    }

    @TestFactory
    Stream<DynamicTest> invalidConfigsReportEveryError() throws IOException {
        return files("invalid").map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            Path expectedFile = Path.of(file.toString().replace(".yaml", ".errors"));
            String dir = file.toAbsolutePath().getParent().toString();
            List<String> expected = Files.readAllLines(expectedFile).stream()
                    .filter(l -> !l.isBlank()).map(l -> l.replace("<dir>", dir)).toList();
            ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader().load(file));
            List<String> actual = e.errors().stream().map(ConfigError::toString).toList();
            assertEquals(expected, actual);
        }));
    }

    @org.junit.jupiter.api.Test
    void fullConfigBindsEveryValue() {
        ExperimentConfig c = new ConfigLoader().load(ROOT.resolve("valid/full.yaml"));
        assertEquals("skin-lesion", c.name());
        assertEquals(7, c.seed());
        assertEquals(List.of("stem", "stage1", "stage2"), c.backbone().freeze().resolve(c.arch()));
        assertEquals(List.of(256), c.head().hidden());
        assertEquals(HeadConfig.Activation.GELU, c.head().activation());
        assertEquals(192, c.imageSize());
        assertEquals(8, c.data().augment().size());
        assertEquals(new AugmentOp.VFlip(0.3), c.data().augment().get(2));
        assertEquals(new AugmentOp.ColorJitter(0.2, 0.2, 0.2), c.data().augment().get(4));
        assertEquals(new AugmentOp.GaussianBlur(List.of(0.5, 1.5), 0.5), c.data().augment().get(7));
        assertEquals(OptimizerConfig.Type.SGD, c.train().optimizer().type());
        assertEquals(1e-2, c.train().optimizer().lr(), "1e-2 (YAML 1.1 text) is accepted as a number");
        assertTrue(c.train().optimizer().nesterov());
        assertEquals(ScheduleConfig.Type.ONECYCLE, c.train().schedule().type());
        assertEquals(new UnfreezeStep(5, StageSelection.of("stage2"), 0.1), c.train().unfreeze().get(0));
        assertEquals(List.of(ExportConfig.Format.DL4J, ExportConfig.Format.ONNX), c.export().formats());
        assertEquals(Path.of(ROOT.resolve("images").toAbsolutePath().normalize().toString()).toString(),
                c.data().train(), "relative paths resolve against the config file's folder");
    }

    @org.junit.jupiter.api.Test
    void recipesConfigBindsIssue21sKeys() {
        ExperimentConfig c = new ConfigLoader().load(ROOT.resolve("valid/recipes.yaml"));
        assertEquals(List.of(new AugmentOp.HFlip(0.5), new AugmentOp.RandAugment(2, 9),
                new AugmentOp.TrivialAugment(), new AugmentOp.RandomErasing(0.25, List.of(0.02, 0.33),
                        List.of(0.3, 3.3), "0")), c.data().augment());
        assertEquals(new MixConfig(0.8, 1.0, 0.9, 0.5), c.data().mix());
        assertEquals(TrainLoss.focal(2), c.train().loss());
        assertEquals(TrainLoss.crossEntropy(), ExperimentConfig.defaults().train().loss());
        assertTrue(!ExperimentConfig.defaults().data().mix().enabled(), "no mixing by default");
    }

    @org.junit.jupiter.api.Test
    void minimalConfigTakesDefaults() {
        ExperimentConfig c = new ConfigLoader().load(ROOT.resolve("valid/minimal.yaml"));
        assertEquals("minimal", c.name(), "name defaults to the file name");
        assertEquals(ExperimentConfig.defaults().train(), c.train());
        assertEquals(224, c.imageSize(), "resnet50 default input size");
        assertEquals("imagenet", c.backbone().weights());
    }

    private static Stream<Path> files(String folder) throws IOException {
        try (Stream<Path> s = Files.list(ROOT.resolve(folder))) {
            return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }
}
