package dev.graft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.config.ConfigLoader;
import dev.graft.config.ExperimentConfig;
import dev.graft.config.Monitor;
import dev.graft.config.YamlFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The shipped configs: every file passes the schema check where it is, without its data (what CI can check);
 * with stand-in data in the layout its guide documents (copied next to it, so its own relative paths are what is
 * tested) it also passes the file checks; without the data it names the guide; its header says how to check the
 * data; and every sweep file's search space holds only values the experiment schema accepts.
 */
class ApplicationConfigsTest {
    private static final Path CONFIGS = Path.of("configs");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Application config -> the datasets/ folder its guide describes. */
    private static final Map<String, String> APPLICATIONS = Map.of("skin-lesion", "ham10000",
            "chest-xray", "chest-xray", "plant-disease", "plant-disease", "dog-breeds", "dog-breeds",
            "emotions", "emotions", "chest-xray14", "chest-xray14", "bone-age", "bone-age");

    @TempDir
    static Path root;

    @BeforeAll
    static void layout() throws IOException {
        Files.createDirectories(root.resolve("configs"));
        try (Stream<Path> files = Files.list(CONFIGS)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                Files.copy(file, root.resolve("configs").resolve(file.getFileName()));
            }
        }
        ApplicationFixtures.ham10000(root, 2);
        ApplicationFixtures.chestXray(root, 2);
        ApplicationFixtures.plantVillage(root, 2);
        ApplicationFixtures.stanfordDogs(root, 2);
        ApplicationFixtures.chestXray14(root, 3);
        ApplicationFixtures.boneAge(root, 3);
        Path csv = ApplicationFixtures.fer2013Csv(root.resolve("fer2013.csv"), 1);
        ApplicationFixtures.ProcessResult converted = ApplicationFixtures.convertFer(csv,
                root.resolve("datasets/emotions/fer2013"));
        assertEquals(0, converted.code(), converted.output());
    }

    private static ApplicationFixtures.ProcessResult run(String... args) {
        return ApplicationFixtures.graft(args);
    }

    @Test
    void everyApplicationHasAConfigASweepAndAGuide() {
        APPLICATIONS.forEach((config, dataset) -> {
            assertTrue(Files.isRegularFile(CONFIGS.resolve(config + ".yaml")), config);
            assertTrue(Files.isRegularFile(CONFIGS.resolve(config + "-sweep.yaml")), config + "-sweep");
            assertTrue(Files.isRegularFile(Path.of("datasets", dataset, "README.md")), dataset + " guide");
        });
        assertTrue(Files.isRegularFile(ApplicationFixtures.FER_CONVERTER));
    }

    @Test
    void everyExperimentConfigValidatesAgainstItsDocumentedLayout() throws IOException {
        List<Path> experiments = experimentConfigs();
        assertTrue(experiments.size() >= APPLICATIONS.size() + 1, "configs: " + experiments);
        for (Path config : experiments) {
            String name = config.getFileName().toString().replace(".yaml", "");
            Path copy = root.resolve("configs").resolve(config.getFileName());
            ApplicationFixtures.ProcessResult r = run("validate", "--config", copy.toString());
            assertEquals(0, r.code(), name + ": " + r.output());
            assertTrue(r.output().contains("name: " + name), name + ": " + r.output());
            assertFalse(r.output().contains("/shared/"), name + " must not depend on ../shared");
            String dataset = APPLICATIONS.get(name);
            if (dataset != null) {
                assertTrue(r.output().contains(root.resolve("datasets").resolve(dataset).toString()),
                        name + " reads datasets/" + dataset + ": " + r.output());
                String text = Files.readString(config);
                assertTrue(text.contains("./graft data  --config configs/" + name + ".yaml"),
                        name + ": the header says how to check the data");
                assertTrue(text.contains("datasets/" + dataset + "/README.md"), name + ": the header names its guide");
            }
        }
    }

    @Test
    void applicationConfigsValidateWithDataPathsOverridden() {
        Path data = root.resolve("datasets");
        Map<String, List<String>> overrides = Map.of(
                "skin-lesion", List.of("data.csv.file=" + data.resolve("ham10000/HAM10000_metadata.csv"),
                        "data.csv.images=" + data.resolve("ham10000")),
                "chest-xray", List.of("data.root=" + data.resolve("chest-xray/chest_xray/train"),
                        "data.test=" + data.resolve("chest-xray/chest_xray/test")),
                "plant-disease", List.of("data.root=" + data.resolve("plant-disease/PlantVillage-Dataset/raw/color")),
                "dog-breeds", List.of("data.root=" + data.resolve("dog-breeds/Images")),
                "emotions", List.of("data.train=" + data.resolve("emotions/fer2013/train"),
                        "data.val=" + data.resolve("emotions/fer2013/val"),
                        "data.test=" + data.resolve("emotions/fer2013/test")),
                "chest-xray14", List.of("data.csv.file=" + data.resolve("chest-xray14/Data_Entry_2017_v2020.csv"),
                        "data.csv.images=" + data.resolve("chest-xray14")),
                "bone-age", List.of("data.csv.file=" + data.resolve("bone-age/boneage-training-dataset.csv"),
                        "data.csv.images=" + data.resolve("bone-age")));
        overrides.forEach((name, sets) -> {
            List<String> args = new ArrayList<>(List.of("validate", "--config",
                    CONFIGS.resolve(name + ".yaml").toString()));
            sets.forEach(s -> args.addAll(List.of("--set", s)));
            ApplicationFixtures.ProcessResult r = run(args.toArray(String[]::new));
            assertEquals(0, r.code(), name + ": " + r.output());
        });
    }

    @Test
    void sweepSpacesHoldOnlyValuesTheExperimentSchemaAccepts() throws IOException {
        for (Path sweep : sweepFiles()) {
            String where = sweep.getFileName().toString();
            ObjectNode tree = YamlFiles.readMapping(sweep);
            Path base = root.resolve("configs").resolve(tree.path("base").asText());
            assertTrue(Files.isRegularFile(base), where + ": base " + base);
            JsonNode objective = tree.path("objective");
            assertTrue(Monitor.NAMES.contains(objective.path("metric").asText()), where + ": objective metric");
            assertTrue(List.of("maximize", "minimize").contains(objective.path("goal").asText()), where + ": goal");
            String strategy = tree.path("strategy").asText();
            assertTrue(List.of("random", "grid").contains(strategy), where + ": strategy " + strategy);
            int epochs = tree.path("budget").path("epochs_per_trial").asInt();
            assertTrue(epochs >= 1 && tree.path("trials").asInt() >= 1, where + ": budget and trials");
            int gridSize = 1;
            boolean onlyChoices = true;
            for (Iterator<Map.Entry<String, JsonNode>> it = tree.path("space").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                List<JsonNode> values = candidates(entry.getValue(), where + " " + entry.getKey());
                gridSize *= values.size();
                onlyChoices &= entry.getValue().has("choice");
                for (JsonNode value : values) {
                    String assignment = entry.getKey() + "=" + JSON.writeValueAsString(value);
                    try {
                        ExperimentConfig config = new ConfigLoader().load(base,
                                List.of("train.epochs=" + epochs, assignment));
                        assertEquals(epochs, config.train().epochs());
                    } catch (RuntimeException e) {
                        fail(where + ": " + assignment + " is rejected: " + e.getMessage());
                    }
                }
            }
            if (strategy.equals("grid") && onlyChoices) {
                assertEquals(gridSize, tree.path("trials").asInt(), where + ": a grid's trials = its size");
            }
        }
    }

    @Test
    void sweepFilesPassGraftValidateWithTheirData() {
        for (Path sweep : sweepFiles()) {
            Path copy = root.resolve("configs").resolve(sweep.getFileName());
            ApplicationFixtures.ProcessResult r = run("validate", "--config", copy.toString());
            assertEquals(0, r.code(), sweep + ": " + r.output());
            assertTrue(r.output().contains("# base experiment "), sweep + ": " + r.output());
        }
    }

    /** What CI can check without downloading anything: every shipped file, in place, schema only. */
    @Test
    void everyShippedConfigPassesTheSchemaCheckWithoutItsData() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(CONFIGS)) {
            files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(files.size() >= 2 * APPLICATIONS.size() + 2, "configs: " + files);
        for (Path file : files) {
            ApplicationFixtures.ProcessResult r = run("validate", "--schema-only", "--config", file.toString());
            assertEquals(0, r.code(), file + ": " + r.output());
        }
    }

    /** The guides are there but the data is not (a fresh clone): the error says where to get it. */
    @Test
    void withoutItsDataAnApplicationConfigNamesItsDatasetGuide(@TempDir Path clone) throws IOException {
        Files.createDirectories(clone.resolve("configs"));
        for (Map.Entry<String, String> app : APPLICATIONS.entrySet()) {
            Files.copy(CONFIGS.resolve(app.getKey() + ".yaml"), clone.resolve("configs/" + app.getKey() + ".yaml"));
            Path guide = clone.resolve("datasets").resolve(app.getValue()).resolve("README.md");
            Files.createDirectories(guide.getParent());
            Files.copy(Path.of("datasets", app.getValue(), "README.md"), guide);
        }
        for (Map.Entry<String, String> app : APPLICATIONS.entrySet()) {
            Path config = clone.resolve("configs/" + app.getKey() + ".yaml");
            ApplicationFixtures.ProcessResult r = run("validate", "--config", config.toString());
            assertEquals(2, r.code(), app.getKey() + ": " + r.output());
            assertTrue(r.output().contains("no such "), app.getKey() + ": " + r.output());
            assertTrue(r.output().contains("datasets/" + app.getValue() + "/README.md says how to get it"),
                    app.getKey() + " names its guide: " + r.output());
            assertTrue(r.output().contains("--schema-only"), app.getKey() + ": " + r.output());
        }
    }

    /** choice: every option; uniform / log_uniform: both ends of the range. */
    private static List<JsonNode> candidates(JsonNode spec, String where) {
        if (spec.has("choice")) {
            List<JsonNode> values = new ArrayList<>();
            spec.get("choice").forEach(values::add);
            assertTrue(values.size() >= 2, where + ": a choice needs >= 2 options");
            return values;
        }
        JsonNode range = spec.has("uniform") ? spec.get("uniform") : spec.get("log_uniform");
        if (range == null || range.size() != 2 || !(range.get(0).asDouble() < range.get(1).asDouble())) {
            fail(where + ": expected {choice: [...]}, {uniform: [lo, hi]} or {log_uniform: [lo, hi]}, was " + spec);
        }
        if (spec.has("log_uniform")) {
            assertTrue(range.get(0).asDouble() > 0, where + ": log_uniform needs lo > 0");
        }
        return List.of(range.get(0), range.get(1));
    }

    private static List<Path> experimentConfigs() throws IOException {
        try (Stream<Path> files = Files.list(CONFIGS)) {
            return files.filter(p -> p.toString().endsWith(".yaml") && !p.toString().endsWith("-sweep.yaml"))
                    .sorted().toList();
        }
    }

    /** The applications' sweep files (other sweeps, e.g. the quickstart's, have their own tests). */
    private static List<Path> sweepFiles() {
        return APPLICATIONS.keySet().stream().sorted().map(name -> CONFIGS.resolve(name + "-sweep.yaml")).toList();
    }
}
