package dev.graft.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code head.problem} (issue 17): its defaults, and the checks across sections that come with it. */
class HeadProblemConfigTest {
    @TempDir
    Path dir;

    private ExperimentConfig load(String yaml, String... overrides) throws IOException {
        Files.createDirectories(dir.resolve("imgs/a"));
        Files.writeString(dir.resolve("m.csv"), "image,label\n");
        Path file = dir.resolve("exp.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.schemaOnly().load(file, List.of(overrides));
    }

    private List<String> errors(String yaml, String... overrides) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(yaml, overrides));
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    private static final String CSV = "data: {csv: {file: m.csv, images: imgs}}\n";

    @Test
    void singleLabelIsTheDefaultAndKeepsItsMonitor() throws IOException {
        ExperimentConfig c = load("data: {root: imgs}\n");
        assertEquals(HeadConfig.Problem.SINGLE_LABEL, c.head().problem());
        assertEquals("val_top1", c.checkpoint().monitor());
    }

    @Test
    void eachProblemMonitorsItsOwnHeadlineMetricUnlessTold() throws IOException {
        assertEquals("val_mauroc", load("head: {problem: multi_label}\n" + CSV).checkpoint().monitor());
        assertEquals("val_mae", load("head: {problem: regression}\n" + CSV).checkpoint().monitor());
        assertEquals("val_map", load("head: {problem: multi_label}\n" + CSV, "checkpoint.monitor=val_map")
                .checkpoint().monitor());
    }

    @Test
    void anUnknownProblemNamesTheThree() {
        assertEquals(List.of("head.problem: unknown 'multilabel' (did you mean 'multi_label'? one of "
                + "single_label, multi_label, regression)"), errors("head: {problem: multilabel}\n" + CSV));
    }

    @Test
    void monitorsMustBelongToTheProblem() {
        assertEquals(List.of("checkpoint.monitor: 'val_top1' is not a metric of a regression head; use one of "
                        + "val_loss, train_loss, val_mae, val_rmse, val_r2"),
                errors("head: {problem: regression}\n" + CSV, "checkpoint.monitor=val_top1"));
        assertEquals(List.of("train.early_stopping.monitor: 'val_mae' is not a metric of a single_label head; use "
                        + "one of " + String.join(", ", Monitor.SINGLE_LABEL)),
                errors("data: {root: imgs}\n", "train.early_stopping.monitor=val_mae"));
    }

    @Test
    void multiLabelAndRegressionNeedACsvAndRefuseWhatTheyDoNotSupport() {
        List<String> e = errors("head: {problem: multi_label}\ndata: {root: imgs}\n");
        assertEquals(1, e.size(), e.toString());
        assertTrue(e.get(0).startsWith("head.problem: multi_label reads its targets from a CSV manifest"), e.get(0));

        List<String> all = errors("head: {problem: regression}\n" + CSV, "data.class_weights=auto",
                "train.label_smoothing=0.1", "export.formats=[onnx]", "train.devices=2",
                "data.csv.label_columns=[a]", "data.classes=[a, b]");
        for (String key : List.of("data.class_weights", "train.label_smoothing", "data.csv.label_columns",
                "data.classes")) {
            assertTrue(all.stream().anyMatch(m -> m.startsWith(key + ":")), key + " in " + all);
        }
        assertTrue(all.stream().noneMatch(m -> m.startsWith("export.formats")), "both heads export: " + all);
        assertEquals(2, assertDoesNotThrow(() -> load("head: {problem: multi_label}\n" + CSV,
                "export.formats=[dl4j, onnx]")).export().formats().size());
        assertTrue(all.stream().noneMatch(m -> m.startsWith("train.") && !m.startsWith("train.label_smoothing")),
                "data-parallel workers and Spark train these heads: " + all);
    }

    @Test
    void labelColumnsGoWithMultiLabelOnly() {
        assertEquals(List.of("data.csv.label_columns: goes with head.problem: multi_label (one 1/0 column per label)"),
                errors(CSV, "data.csv.label_columns=[a, b]"));
    }

    @Test
    void posWeightTakesNoneAutoAListOrAMapOfPositiveNumbers() throws IOException {
        String multi = "head: {problem: multi_label}\n" + CSV;
        assertEquals(PosWeight.none(), load(multi).head().posWeight());
        assertEquals(PosWeight.auto(), load(multi, "head.pos_weight=auto").head().posWeight());
        assertEquals(PosWeight.none(), load("head: {problem: multi_label, pos_weight: null}\n" + CSV).head()
                .posWeight(), "an empty value: none");
        assertEquals(List.of(2.0, 0.5), load(multi, "head.pos_weight=[2, 0.5]").head().posWeight().values());
        assertEquals(java.util.Map.of("Hernia", 50.0),
                load(multi, "head.pos_weight={Hernia: 50}").head().posWeight().byLabel());
        assertEquals(List.of("head.pos_weight[1]: must be a number > 0 (was 0)"),
                errors(multi, "head.pos_weight=[2, 0]"));
        assertEquals(List.of("head.pos_weight: must be none, auto, a list of numbers (one per label) or a map "
                + "{label: number} (was 'sometimes')"), errors(multi, "head.pos_weight=sometimes"));
    }

    @Test
    void eachLossKeyIsRefusedForTheWrongProblem() throws IOException {
        assertEquals(List.of("head.pos_weight: weighs the positive cells of a multi_label head's labels; it has no "
                + "meaning with head.problem: regression (remove it)"),
                errors("head: {problem: regression}\n" + CSV, "head.pos_weight=auto"));
        assertEquals(List.of("head.pos_weight: weighs the positive cells of a multi_label head's labels; it has no "
                + "meaning with head.problem: single_label (remove it, or use data.class_weights)"),
                errors("data: {root: imgs}\n", "head.pos_weight=auto"));
        assertEquals(List.of("head.loss: chooses a regression head's loss (mse, l1, huber); a multi_label head "
                + "trains with binary cross-entropy (see head.pos_weight)"),
                errors("head: {problem: multi_label}\n" + CSV, "head.loss=mse"));
        assertEquals(List.of("head.huber_delta: only applies to a regression head with head.loss: huber"),
                errors("head: {problem: regression}\n" + CSV, "head.loss=l1", "head.huber_delta=2"));
        assertEquals(List.of("head.huber_delta: must be > 0 (was -1)"),
                errors("head: {problem: regression}\n" + CSV, "head.loss=huber", "head.huber_delta=-1"));
        ExperimentConfig huber = load("head: {problem: regression}\n" + CSV, "head.loss=huber",
                "head.huber_delta=0.5");
        assertEquals(HeadConfig.RegressionLoss.HUBER, huber.head().regressionLoss());
        assertEquals(0.5, huber.head().huberDelta());
        assertEquals(HeadConfig.RegressionLoss.MSE, load("head: {problem: regression}\n" + CSV).head()
                .regressionLoss(), "unset means mean squared error");
    }
}
