package dev.graft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.config.ConfigLoader;
import dev.graft.config.HeadConfig;
import dev.graft.config.ExperimentConfig;
import dev.graft.config.StageSelection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Each application config trained for real through {@code graft train}, on tiny stand-in data in its documented
 * layout, with {@code --set} overrides that keep everything else (freezing plan, augmentation, class weights,
 * sampler, monitor, schedule) as shipped, on a randomly initialised CIFAR ResNet-20 at 32 px for one short epoch
 * (two where a stage unfreezes; the freezing plan mapped onto its stages).
 * Then on ../shared's real HAM10000 and PlantVillage samples when present.
 */
class ApplicationSmokeTest {
    private static final Path SHARED = Path.of("..", "shared").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LAST_IMAGENET_STAGE = "stage4";
    private static final String LAST_CIFAR_STAGE = "stage3";

    @TempDir
    Path dir;

    @Test
    void skinLesionTrainsFromTheHam10000CsvLayout() throws IOException {
        ApplicationFixtures.ham10000(dir, 7); // enough per class for a val and a test share of each diagnosis
        Path data = dir.resolve("datasets/ham10000");
        Path run = train("skin-lesion", 1, "data.csv.file=" + data.resolve("HAM10000_metadata.csv"),
                "data.csv.images=" + data);
        assertClasses(run, ApplicationFixtures.HAM_CLASSES);
        JsonNode best = JSON.readTree(run.resolve("best-metrics.json").toFile());
        assertEquals("val_balanced_accuracy", best.path("monitor").asText());
        JsonNode report = JSON.readTree(run.resolve("data-report.json").toFile());
        assertEquals(49, trainPlusValPlusTest(report), "every CSV row found once, duplicate folder ignored: " + report);
        assertEquals("auto", report.path("balance").path("class_weights").asText());
    }

    @Test
    void chestXrayTrainsOnGreyImagesExportsAndEvaluateReportsPneumoniaRecall() throws IOException {
        Path test = ApplicationFixtures.chestXray(dir, 10);
        Path run = train("chest-xray", 1, true, "data.root=" + dir.resolve("datasets/chest-xray/chest_xray/train"),
                "data.test=" + test);
        assertClasses(run, ApplicationFixtures.CHEST_CLASSES);
        JsonNode scored = JSON.readTree(run.resolve("test-metrics.json").toFile());
        assertEquals("PNEUMONIA", scored.path("positive_class").asText());
        assertEquals("sensitivity >= 0.95", scored.path("operating_point").asText());
        assertEquals(4, scored.path("count").asInt(), "the published test folder (2 + 2 images) is scored");
        assertTrue(scored.has("sensitivity") && scored.has("specificity") && scored.has("auroc"), scored.toString());
        JsonNode perClass = JSON.readTree(run.resolve("best-metrics.json").toFile()).path("validation")
                .path("per_class");
        assertEquals("PNEUMONIA", perClass.get(1).path("name").asText());
        assertTrue(perClass.get(1).has("recall"), perClass.toString());
        assertTrue(Files.readString(run.resolve("report.html")).contains("PNEUMONIA"));

        ApplicationFixtures.ProcessResult evaluated = ApplicationFixtures.graft("evaluate", "--model",
                run.toString(), "--data", test.toString(), "--out", dir.resolve("test-predictions.csv").toString());
        assertEquals(0, evaluated.code(), evaluated.output());
        assertTrue(evaluated.output().contains("recall"), evaluated.output());
        assertTrue(evaluated.output().lines().anyMatch(l -> l.startsWith("PNEUMONIA ")), evaluated.output());
        assertEquals(5, Files.readAllLines(dir.resolve("test-predictions.csv")).size(), "header + 4 test images");

        Path image = test.resolve("PNEUMONIA").resolve("person0_bacteria_0.jpeg");
        ApplicationFixtures.ProcessResult predicted = ApplicationFixtures.graft("predict", "--model",
                run.resolve("export").toString(), image.toString());
        assertEquals(0, predicted.code(), predicted.output());
        assertTrue(predicted.output().contains("PNEUMONIA") && predicted.output().contains("NORMAL"),
                predicted.output());
    }

    @Test
    void chestXray14TrainsItsFourteenFindingsFromTheNihManifestWithPatientsKeptTogether() throws IOException {
        ApplicationFixtures.chestXray14(dir, 30);
        Path data = dir.resolve("datasets/chest-xray14");
        Path run = train("chest-xray14", 1, "data.csv.file=" + data.resolve("Data_Entry_2017_v2020.csv"),
                "data.csv.images=" + data);
        JsonNode metrics = JSON.readTree(run.resolve("metrics.json").toFile());
        List<String> outputs = new ArrayList<>();
        metrics.path("outputs").forEach(o -> outputs.add(o.asText()));
        assertEquals(ApplicationFixtures.CXR14_FINDINGS, outputs, "'No Finding' is no output; the config's order");
        JsonNode report = JSON.readTree(run.resolve("data-report.json").toFile());
        assertEquals(60, trainPlusValPlusTest(report), "every row found once: " + report);
        assertEquals(0, report.path("groups").path("overlapping").asInt(-1), "no patient in two splits: " + report);
        JsonNode scored = JSON.readTree(run.resolve("test-metrics.json").toFile());
        assertEquals(14, scored.path("per_label").size(), scored.toString());
        assertTrue(Files.readAllLines(run.resolve("test-predictions.csv")).get(0).contains("p_Hernia"));
    }

    @Test
    void boneAgeTrainsARegressionInMonthsFromTheRsnaManifest() throws IOException {
        ApplicationFixtures.boneAge(dir, 40);
        Path data = dir.resolve("datasets/bone-age");
        Path run = train("bone-age", 1, "data.csv.file=" + data.resolve("boneage-training-dataset.csv"),
                "data.csv.images=" + data);
        JsonNode report = JSON.readTree(run.resolve("data-report.json").toFile());
        assertEquals(40, trainPlusValPlusTest(report), "ids without extension found as .png in the nested folder");
        JsonNode scored = JSON.readTree(run.resolve("test-metrics.json").toFile());
        assertTrue(scored.has("mae") && scored.has("rmse") && scored.has("r2"), scored.toString());
        assertEquals("path,target,predicted", Files.readAllLines(run.resolve("test-predictions.csv")).get(0));
    }

    @Test
    void plantDiseaseTrainsFromPlantVillageFolders() throws IOException {
        ApplicationFixtures.plantVillage(dir, 6);
        Path color = dir.resolve("datasets/plant-disease/PlantVillage-Dataset/raw/color");
        Path run = train("plant-disease", 1, "data.root=" + color);
        assertClasses(run, ApplicationFixtures.PLANT_CLASSES);
    }

    @Test
    void dogBreedsTrainsFromStanfordDogsImagesAndUnfreezesTheLastStage() throws IOException {
        ApplicationFixtures.stanfordDogs(dir, 6);
        Path run = train("dog-breeds", 2, "data.root=" + dir.resolve("datasets/dog-breeds/Images"));
        assertClasses(run, ApplicationFixtures.DOG_CLASSES);
        List<String> rows = Files.readAllLines(run.resolve("metrics.csv"));
        int frozen = List.of(rows.get(0).split(",")).indexOf("frozen");
        assertTrue(frozen > 0, rows.get(0));
        assertTrue(!rows.get(1).split(",")[frozen].equals(rows.get(2).split(",")[frozen]),
                "the last stage unfreezes at epoch 2 here: " + rows);
    }

    @Test
    void emotionsTrainsOnFoldersWrittenByTheFer2013Converter() throws IOException {
        Path csv = ApplicationFixtures.fer2013Csv(dir.resolve("fer2013.csv"), 3);
        Path out = dir.resolve("datasets/emotions/fer2013");
        ApplicationFixtures.ProcessResult converted = ApplicationFixtures.convertFer(csv, out);
        assertEquals(0, converted.code(), converted.output());
        assertTrue(converted.output().contains("wrote 35 images"), converted.output());
        try (Stream<Path> pngs = Files.walk(out)) {
            assertEquals(35, pngs.filter(p -> p.toString().endsWith(".png")).count());
        }
        Path run = train("emotions", 1, "data.train=" + out.resolve("train"), "data.val=" + out.resolve("val"),
                "data.test=" + out.resolve("test"));
        assertClasses(run, ApplicationFixtures.EMOTIONS);

        ApplicationFixtures.ProcessResult again = ApplicationFixtures.convertFer(csv, out);
        assertEquals(2, again.code(), "refuses to overwrite: " + again.output());
        Files.writeString(csv, Files.readString(csv).replaceFirst(",Training\n", ",Validation\n"));
        ApplicationFixtures.ProcessResult bad = ApplicationFixtures.convertFer(csv, dir.resolve("bad"));
        assertEquals(2, bad.code(), bad.output());
        assertTrue(bad.output().contains("fer2013.csv line 2: Usage 'Validation'"), bad.output());
        assertTrue(Files.notExists(dir.resolve("bad")) && Files.notExists(dir.resolve("bad.partial")));
    }

    @Test
    void skinLesionTrainsOnTheSharedHam10000Sample() throws IOException {
        Path sample = SHARED.resolve("datasets/ham10000_sample");
        assumeTrue(Files.isDirectory(sample), "../shared/datasets/ham10000_sample absent: skipped");
        Path run = train("skin-lesion", 1, "data.csv.file=" + sample.resolve("HAM10000_metadata_sample.csv"),
                "data.csv.images=" + sample.resolve("all"));
        assertClasses(run, ApplicationFixtures.HAM_CLASSES);
        assertEquals(70, trainPlusValPlusTest(JSON.readTree(run.resolve("data-report.json").toFile())));
    }

    @Test
    void plantDiseaseTrainsOnTheSharedPlantVillageSample() throws IOException {
        Path sample = SHARED.resolve("datasets/plantvillage_binary_sample/all");
        assumeTrue(Files.isDirectory(sample), "../shared/datasets/plantvillage_binary_sample absent: skipped");
        Path run = train("plant-disease", 1, "data.root=" + sample);
        assertClasses(run, List.of("Diseased", "Healthy"));
    }

    /**
     * {@code graft train --config configs/NAME.yaml} with the data overrides plus the smoke overrides; returns
     * the run folder after checking the run completed and wrote its report and checkpoints.
     */
    private Path train(String name, int epochs, String... dataOverrides) throws IOException {
        return train(name, epochs, false, dataOverrides);
    }

    /** As above; {@code export} keeps the config's export section (the bundle written after training). */
    private Path train(String name, int epochs, boolean export, String... dataOverrides) throws IOException {
        Path config = Path.of("configs", name + ".yaml");
        ExperimentConfig shipped = new ConfigLoader().load(config, List.of(dataOverrides));
        List<String> sets = new ArrayList<>(List.of(dataOverrides));
        sets.addAll(List.of("backbone.arch=resnet20_cifar", "backbone.weights=none", "data.image_size=32",
                "data.workers=2", "train.batch_size=8", "train.epochs=" + epochs));
        if (!export) {
            sets.add("export.formats=[]");
        }
        if (shipped.train().schedule().warmupEpochs() >= epochs) {
            sets.add("train.schedule.warmup_epochs=" + (epochs - 1));
        }
        sets.addAll(stagePlanOnCifar(shipped, epochs));
        List<String> args = new ArrayList<>(List.of("train", "--config", config.toString(),
                "--runs-dir", dir.resolve("experiments").toString()));
        sets.forEach(s -> args.addAll(List.of("--set", s)));
        ApplicationFixtures.ProcessResult result = ApplicationFixtures.graft(args.toArray(String[]::new));
        assertEquals(0, result.code(), name + ": " + result.output());
        Path run;
        try (Stream<Path> runs = Files.list(dir.resolve("experiments").resolve(name))) {
            run = runs.sorted().reduce((a, b) -> b).orElseThrow();
        }
        assertEquals(epochs + 1, Files.readAllLines(run.resolve("metrics.csv")).size(), "header + one row per epoch");
        List<String> files = new ArrayList<>(List.of("report.html", "val-metrics.json", "checkpoints/best.zip",
                "checkpoints/last.zip"));
        if (shipped.head().problem() == HeadConfig.Problem.SINGLE_LABEL) {
            files.addAll(List.of("best-metrics.json", "confusion-best.csv"));
        }
        for (String file : files) {
            assertTrue(Files.isRegularFile(run.resolve(file)), name + ": " + file);
        }
        return run;
    }

    /**
     * The shipped freezing plan on the CIFAR ResNet-20 (stem, stage1..stage3): the ImageNet layout's last stage,
     * stage4, becomes stage3, and unfreezing steps move into the smoke run's epochs.
     */
    private static List<String> stagePlanOnCifar(ExperimentConfig shipped, int epochs) {
        List<String> sets = new ArrayList<>();
        StageSelection freeze = shipped.backbone().freeze();
        if (!freeze.all() && freeze.stages().contains(LAST_IMAGENET_STAGE)) {
            sets.add("backbone.freeze=all");
        }
        if (!shipped.train().unfreeze().isEmpty()) {
            sets.add("train.unfreeze=[" + shipped.train().unfreeze().stream().map(step -> "{at_epoch: "
                    + Math.min(step.atEpoch(), epochs) + ", stages: " + onCifar(step.stages()) + ", lr_mult: "
                    + step.lrMult() + "}").collect(Collectors.joining(", ")) + "]");
        }
        return sets;
    }

    private static Object onCifar(StageSelection stages) {
        if (stages.all() || stages.stages().isEmpty()) {
            return stages.yaml();
        }
        return stages.stages().stream().map(s -> s.equals(LAST_IMAGENET_STAGE) ? LAST_CIFAR_STAGE : s).distinct()
                .toList();
    }

    private static void assertClasses(Path run, List<String> expected) throws IOException {
        JsonNode classes = JSON.readTree(run.resolve("metrics.json").toFile()).path("classes");
        List<String> actual = new ArrayList<>();
        classes.forEach(c -> actual.add(c.asText()));
        assertEquals(expected, actual);
    }

    /** Images over all splits in a data-report.json. */
    private static int trainPlusValPlusTest(JsonNode dataReport) {
        int total = 0;
        for (JsonNode split : dataReport.path("splits")) {
            total += split.path("images").asInt();
        }
        return total;
    }
}
