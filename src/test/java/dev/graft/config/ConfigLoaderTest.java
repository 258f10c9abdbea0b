package dev.graft.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Files.createDirectories(dir.resolve("imgs/a"));
        Path file = dir.resolve("exp.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void overridesAreTypedAndCreateSections() throws IOException {
        Path file = write("data: {root: imgs}\n");
        ExperimentConfig c = new ConfigLoader().load(file, List.of("train.epochs=3",
                "train.optimizer.lr=0.05", "backbone.freeze=[stem,stage1]", "head.batch_norm=true",
                "name=override"));
        assertEquals(3, c.train().epochs());
        assertEquals(0.05, c.train().optimizer().lr());
        assertEquals(StageSelection.of("stem", "stage1"), c.backbone().freeze());
        assertTrue(c.head().batchNorm());
        assertEquals("override", c.name());
    }

    @Test
    void badOverridesAreReportedWithTheirPath() throws IOException {
        Path file = write("data: {root: imgs}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader().load(file,
                List.of("train.epochs=many", "train.optimiser.lr=1", "nonsense")));
        List<String> errors = e.errors().stream().map(ConfigError::toString).toList();
        assertEquals(List.of("--set nonsense: must look like key.path=value, e.g. train.epochs=5",
                "train.optimiser: unknown key (did you mean 'optimizer'?)",
                "train.epochs: must be an integer (was 'many')"), errors);
    }

    @Test
    void environmentVariablesAndHomeExpand() throws IOException {
        Path file = write("name: run-${TAG}\ndata: {root: $DATA/imgs}\nbackbone: {weights: ~/w.pth}\n");
        Files.createDirectories(Path.of(System.getProperty("user.home")));
        Path weights = Path.of(System.getProperty("user.home"), "w.pth");
        boolean created = !Files.exists(weights);
        if (created) {
            Files.writeString(weights, "x");
        }
        try {
            ExperimentConfig c = new ConfigLoader(Map.of("TAG", "7", "DATA", dir.toString()), dir)
                    .load(file);
            assertEquals("run-7", c.name());
            assertEquals(dir.resolve("imgs").toString(), c.data().root());
            assertEquals(weights.toString(), c.backbone().weights());
        } finally {
            if (created) {
                Files.delete(weights);
            }
        }
    }

    @Test
    void unsetEnvironmentVariableIsAnError() throws IOException {
        Path file = write("name: ${NOPE}\ndata: {root: imgs}\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> new ConfigLoader(Map.of(), dir).load(file));
        assertEquals("name: environment variable NOPE is not set", e.errors().get(0).toString());
    }

    @Test
    void overridePathsResolveAgainstTheWorkingDirectory() throws IOException {
        Path file = write("data: {root: nowhere}\n");
        Path cwd = dir.resolve("cwd");
        Files.createDirectories(cwd.resolve("pics/x"));
        ExperimentConfig c = new ConfigLoader(Map.of(), cwd).load(file, List.of("data.root=pics"));
        assertEquals(cwd.resolve("pics").toString(), c.data().root());
    }

    @Test
    void yamlSyntaxErrorNamesTheLine() throws IOException {
        Path file = write("data:\n  root: [imgs\n");
        ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader().load(file));
        assertTrue(e.errors().get(0).message().startsWith("not valid YAML at line"), e.getMessage());
    }

    @Test
    void missingFileIsAClearError() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> new ConfigLoader().load(dir.resolve("absent.yaml")));
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test
    void seedsDifferPerConcernAndAreStable() {
        assertEquals(Seeds.derive(42, "split"), Seeds.derive(42, "split"));
        assertTrue(Seeds.derive(42, "split") != Seeds.derive(42, "shuffle"));
        assertTrue(Seeds.derive(42, "split") != Seeds.derive(43, "split"));
    }

    private List<String> errorsOf(Path file, List<String> overrides) {
        ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader().load(file, overrides));
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    @Test
    void aSectionWrittenTwiceIsAnErrorNamingBothLines() throws IOException {
        Path file = write("""
                data: {root: imgs}
                train:
                  epochs: 30
                  optimizer: {lr: 0.01}
                head: {dropout: 0.1}
                train:
                  batch_size: 8
                """);
        assertEquals(List.of("train: written twice, at line 2 and at line 6 (the second would silently replace "
                + "the first); keep one"), errorsOf(file, List.of()));
    }

    @Test
    void nestedAndListKeysWrittenTwiceAreErrorsAtTheirPath() throws IOException {
        Path file = write("""
                data:
                  root: imgs
                  augment:
                    - {color_jitter: {brightness: 0.1, brightness: 0.2}}
                train: {epochs: 2, optimizer: {lr: 0.1}, epochs: 3}
                """);
        assertEquals(List.of("data.augment[0].color_jitter.brightness: written twice, at line 4 and at line 4 "
                        + "(the second would silently replace the first); keep one",
                "train.epochs: written twice, at line 5 and at line 5 (the second would silently replace the first); "
                        + "keep one"), errorsOf(file, List.of()));
    }

    @Test
    void overridesOfOneKeyCollide() throws IOException {
        Path file = write("data: {root: imgs}\n");
        assertEquals(List.of("--set train.epochs: collides with --set train.epochs=3 (both set train.epochs); "
                + "give each key once"), errorsOf(file, List.of("train.epochs=3", "train.epochs=5")));
        assertEquals(List.of("--set train.epochs: collides with --set train={epochs: 3} (both set train.epochs); "
                + "give each key once"), errorsOf(file, List.of("train={epochs: 3}", "train.epochs=5")));
        assertEquals(List.of("--set train.epochs: written twice, at line 1 and at line 1 (the second would "
                + "silently replace the first); keep one"), errorsOf(file, List.of("train={epochs: 3, epochs: 4}")));
        ExperimentConfig siblings = new ConfigLoader().load(file, List.of("train.epochs=3", "train.batch_size=4",
                "train.optimizer.lr=0.5"));
        assertEquals(4, siblings.train().batchSize(), "keys that only share a section do not collide");
    }

    @Test
    void aBinaryFileIsNotReadAsText() throws IOException {
        Path zip = dir.resolve("model.zip");
        Files.write(zip, new byte[]{'P', 'K', 3, 4, (byte) 0x9f, (byte) 0xff, 0, 1});
        Path nul = dir.resolve("zeros.yaml");
        Files.write(nul, new byte[16]);
        for (Path file : List.of(zip, nul)) {
            ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader().load(file));
            assertEquals(List.of("is not a text file (a config is YAML text, UTF-8); check the path"),
                    e.errors().stream().map(ConfigError::toString).toList(), file.toString());
        }
    }

    /** A run's resolved config, read on a machine without its data and weights (another machine, a CI box). */
    @Test
    void aResolvedConfigBindsWhereItsFilesDoNotExist() throws IOException {
        Path file = write("data: {train: /nowhere/train, val: /nowhere/val}\nbackbone: {weights: /nowhere/w.pth}\n");
        ExperimentConfig travelled = ConfigLoader.schemaOnly().load(file);
        assertEquals("/nowhere/train", travelled.data().train());
        assertEquals("/nowhere/w.pth", travelled.backbone().weights());
        Path resolved = dir.resolve("resolved.yaml");
        Files.writeString(resolved, YamlFiles.toYaml(travelled));
        assertEquals(travelled, ConfigLoader.schemaOnly().load(resolved), "the resolved file binds to the same records");

        assertEquals(List.of("data.train: no such folder: /nowhere/train", "data.val: no such folder: /nowhere/val",
                "backbone.weights: no such file or folder: /nowhere/w.pth (or use one of imagenet, imagenet_v1, "
                        + "imagenet_v2, none, or a Hub id such as microsoft/resnet-50)"), errorsOf(file, List.of()));
        ConfigException dataOnly = assertThrows(ConfigException.class, () -> new ConfigLoader()
                .checking(FileChecks.Scope.DATA).load(file));
        assertEquals(List.of("data.train", "data.val"), dataOnly.errors().stream().map(ConfigError::path).toList(),
                "resuming needs the data but not the weights (the checkpoint holds them)");
    }

    @Test
    void schemaErrorsAreReportedWithoutFileChecksToo() throws IOException {
        Path file = write("data: {root: /nowhere}\ntrain: {epochs: 0}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.schemaOnly().load(file));
        assertEquals(List.of("train.epochs: must be >= 1 (was 0)"),
                e.errors().stream().map(ConfigError::toString).toList());
    }

    @Test
    void evaluationSettingsAreValidatedWithTheirPath() throws IOException {
        Path file = write("""
                data: {root: imgs, test: imgs, split: {test: 0.2}, classes: [a, b], positive_class: c}
                evaluation: {operating_point: {sensitivity: 1.5}, calibration: platt}
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.schemaOnly().load(file));
        assertEquals(List.of(
                "data.split.test: must be 0 with a data.test folder (was 0.2): the test split is that folder",
                "data.positive_class: unknown 'c' (did you mean 'a'? one of a, b)",
                "evaluation.operating_point.sensitivity: must be a number in [0, 1] (was 1.5)",
                "evaluation.calibration: unknown 'platt' (one of none, temperature)"),
                e.errors().stream().map(ConfigError::toString).toList());
        ExperimentConfig ok = ConfigLoader.schemaOnly().load(write("""
                data: {root: imgs, test: imgs, positive_class: b}
                evaluation: {operating_point: {specificity: 0.9}, calibration: temperature}
                """));
        assertEquals(new OperatingPointChoice(OperatingPointChoice.Kind.SPECIFICITY, 0.9),
                ok.evaluation().operatingPoint());
        assertEquals("b", ok.data().positiveClass());
        assertEquals(OperatingPointChoice.youden(), ExperimentConfig.defaults().evaluation().operatingPoint());
    }

    @Test
    void suggestionsOnlyForCloseWords() {
        assertEquals("optimizer", Suggestions.closest("optimiser", List.of("epochs", "optimizer")).orElseThrow());
        assertTrue(Suggestions.closest("zzz", List.of("epochs", "optimizer")).isEmpty());
    }
}
