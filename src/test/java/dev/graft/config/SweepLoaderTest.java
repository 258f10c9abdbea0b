package dev.graft.config;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sweep files: binding, defaults, and every searched key and value checked against the experiment schema. */
class SweepLoaderTest {
    @TempDir
    Path dir;

    @BeforeEach
    void base() throws IOException {
        Files.createDirectories(dir.resolve("imgs/a"));
        Files.createDirectories(dir.resolve("other/a"));
        Files.writeString(dir.resolve("exp.yaml"), "backbone: {arch: resnet18}\ndata: {root: imgs}\n");
    }

    private SweepPlan load(String yaml) throws IOException {
        Path file = dir.resolve("search.yaml");
        Files.writeString(file, yaml);
        return new SweepLoader(Map.of(), dir).load(file);
    }

    private List<String> errors(String yaml) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(yaml));
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    @Test
    void resolvesDefaultsPathsAndPlannedTrials() throws IOException {
        SweepPlan plan = load("""
                base: exp.yaml
                objective: {metric: val_loss}
                strategy: grid
                space:
                  train.optimizer.lr: {log_uniform: [1.0e-5, 1e-2]}
                  train: {batch_size: {choice: [16, 32]}}
                  backbone.freeze: {choice: [[stem, stage1], all]}
                  data.root: {choice: [imgs, other]}
                """);
        SweepConfig s = plan.sweep();
        assertEquals("search", s.name(), "named after the file");
        assertEquals(SweepObjective.Goal.MINIMIZE, s.objective().goal(), "losses are minimised");
        assertEquals(3 * 2 * 2 * 2, s.trials(), "grid: 3 points for the range x 2 x 2 x 2");
        assertEquals(List.of("train.optimizer.lr", "train.batch_size", "backbone.freeze", "data.root"),
                s.space().paths());
        assertEquals(dir.resolve("exp.yaml").toString(), s.base());
        assertEquals(dir.resolve("other").toString(), s.space().dimensions().get(3).choices().get(1).asText(),
                "path choices resolve against the sweep file's folder");
        assertEquals("resnet18", plan.base().backbone().arch());
        ExperimentConfig trial = plan.experiment(List.of("train.optimizer.lr=0.003", "backbone.freeze=[stem]"));
        assertEquals(0.003, trial.train().optimizer().lr());
        assertEquals(StageSelection.of("stem"), trial.backbone().freeze());
        assertEquals(SweepConfig.DEFAULT_RANDOM_TRIALS, load("base: exp.yaml\nspace: {head.dropout: "
                + "{uniform: [0, 0.5]}}\n").sweep().trials(), "random search: 20 trials unless told");
        String yaml = YamlFiles.toYaml(s);
        assertTrue(yaml.contains("train.optimizer.lr:") && yaml.contains("log_uniform:"), yaml);
    }

    @Test
    void issue21sKeysCanBeSearched() throws IOException {
        SweepPlan plan = load("""
                base: exp.yaml
                space:
                  data.mix.mixup: {uniform: [0.1, 0.8]}
                  data.mix.cutmix: {choice: [0, 1.0]}
                  train.loss: {choice: [cross_entropy, {focal: {gamma: 2}}]}
                  data.augment: {choice: [[hflip], [hflip, {randaugment: {n: 2, m: 9}}], [trivialaugment]]}
                """);
        assertEquals(List.of("data.mix.mixup", "data.mix.cutmix", "train.loss", "data.augment"),
                plan.sweep().space().paths());
        ExperimentConfig trial = plan.experiment(List.of("data.mix.mixup=0.3", "data.mix.cutmix=1.0",
                "train.loss={focal: {gamma: 1.5}}", "data.augment=[{randaugment: {n: 1, m: 20}}]"));
        assertEquals(new MixConfig(0.3, 1.0, 1.0, 0.5), trial.data().mix());
        assertEquals(TrainLoss.focal(1.5), trial.train().loss());
        assertEquals(List.of(new dev.graft.data.AugmentOp.RandAugment(1, 20)), trial.data().augment());
        assertEquals(List.of("space.data.mix.mixup.uniform[1]: data.mix.mixup: must be in [0, 10] (was 11); 0 turns "
                + "Mixup off"), errors("base: exp.yaml\nspace: {data.mix.mixup: {uniform: [0.1, 11]}}\n"));
    }

    @Test
    void everyBadKeyAndValueIsReportedUpFrontWithItsPath() {
        List<String> errors = errors("""
                base: exp.yaml
                objective: {metric: val_acc}
                trials: 0
                parallel: 0
                space:
                  train.optimzer.lr: {log_uniform: [1.0e-5, 1.0e-2]}
                  head.dropout.rate: {uniform: [0, 0.5]}
                  head.dropout: {choice: [0.2, 1.5]}
                  backbone.freeze: {choice: [[stem, stage9], all]}
                  train.epochs: {uniform: [1, 5]}
                  train.batch_size: {int_uniform: [8, 4]}
                  train.optimizer.weight_decay: {log_uniform: [0, 1.0e-3]}
                  head.hidden: {choise: [[], [64]]}
                """);
        for (String expected : List.of(
                "objective.metric: unknown 'val_acc' (accuracy is 'val_top1'; one of val_loss, val_top1,",
                "trials: must be >= 1 (was 0)",
                "parallel: must be >= 1 (was 0)",
                "space.train.optimzer.lr: unknown config key 'optimzer' in train (did you mean 'train.optimizer'? "
                        + "keys: epochs, batch_size, optimizer,",
                "space.head.dropout.rate: 'head.dropout' is a single value, not a section; 'head.dropout.rate' is "
                        + "not a config key",
                "space.head.dropout.choice[1]: head.dropout: must be in [0, 1) (was 1.5)",
                "space.backbone.freeze.choice[0]: backbone.freeze[1]: unknown stage 'stage9' for resnet18 (one of "
                        + "stem, stage1, stage2, stage3, stage4)",
                "space.train.epochs.uniform[0]: train.epochs: must be an integer (was 1); use int_uniform for an "
                        + "integer key",
                "space.train.batch_size.int_uniform: low must be below high (was [8, 4]); use {choice: [value]} "
                        + "for a fixed value",
                "space.train.optimizer.weight_decay.log_uniform[0]: must be > 0 for a log scale (was 0)",
                "space.head.hidden.choise: must be a search domain: {log_uniform: [low, high]}, {uniform: [low, "
                        + "high]}, {int_uniform: [low, high]} or {choice: [value, ...]} (did you mean 'choice'?)")) {
            assertTrue(errors.stream().anyMatch(e -> e.startsWith(expected)),
                    "missing: " + expected + "\nin:\n" + String.join("\n", errors));
        }
        assertEquals(12, errors.size(), String.join("\n", errors));
    }

    @Test
    void aBrokenBaseOrMissingPartsAreErrorsOfTheSweep() throws IOException {
        Files.writeString(dir.resolve("bad.yaml"), "data: {root: imgs}\ntrain: {epochs: -1}\n");
        assertEquals(List.of("base: bad.yaml: train.epochs: must be >= 1 (was -1)"),
                errors("base: bad.yaml\nspace: {head.dropout: {uniform: [0, 0.5]}}\n").stream()
                        .filter(e -> e.startsWith("base")).toList());
        Files.writeString(dir.resolve("unfreezing.yaml"), "data: {root: imgs}\nbackbone: {freeze: all}\n"
                + "train: {epochs: 6, unfreeze: [{at_epoch: 4, stages: [stage4]}]}\n");
        assertEquals(List.of("budget.epochs_per_trial: gives the base train.unfreeze[0].at_epoch: is after the last "
                + "epoch (2)"), errors("base: unfreezing.yaml\nbudget: {epochs_per_trial: 2}\n"
                + "space: {head.dropout: {uniform: [0, 0.5]}}\n"));
        assertEquals(List.of("base: no such file: " + dir.resolve("nope.yaml")),
                errors("base: nope.yaml\nspace: {head.dropout: {uniform: [0, 0.5]}}\n"));
        assertEquals(List.of("base: is required: the experiment config to start from",
                "space: is required: the config keys to search"), errors("strategy: grid\n"));
    }

    @Test
    void sparkExecutorKeysAreCheckedLikeTheOthers() throws IOException {
        SweepPlan plan = load("base: exp.yaml\nexecutor: spark\nspark: {master: \"spark://head:7077\"}\n"
                + "space: {head.dropout: {uniform: [0, 0.5]}}\n");
        assertEquals(SweepConfig.Executor.SPARK, plan.sweep().executor());
        assertEquals("spark://head:7077", plan.sweep().spark().master());
        assertEquals(SweepConfig.Executor.LOCAL, load("base: exp.yaml\nspace: {head.dropout: {uniform: [0, 0.5]}}\n")
                .sweep().executor(), "trials run in this process unless told");
        assertEquals(List.of("executor: unknown 'cluster' (one of local, spark)",
                "spark.master: 'spark:/head' is not a Spark master URL (one of local, local[N], local[*], "
                        + "spark://HOST:PORT, yarn, k8s://URL, mesos://URL)"),
                errors("base: exp.yaml\nexecutor: cluster\nspark: {master: \"spark:/head\"}\n"
                        + "space: {head.dropout: {uniform: [0, 0.5]}}\n"));
        Files.writeString(dir.resolve("on-spark.yaml"), "data: {root: imgs}\ntrain: {distributed: {engine: spark}}\n");
        assertEquals(List.of("executor: spark runs each trial as a single-process run in one Spark task, but the "
                + "base trains with train.distributed.engine: spark; remove that from the base, or use executor: "
                + "local to run trials that train on Spark one after another"), errors("base: on-spark.yaml\n"
                + "executor: spark\nspace: {head.dropout: {uniform: [0, 0.5]}}\n"));
    }

    @Test
    void theSparkMasterOptionIsCheckedAsTheKeyIs() throws IOException {
        SweepPlan plan = load("base: exp.yaml\nspace: {head.dropout: {uniform: [0, 0.5]}}\n");
        SweepPlan onSpark = plan.onSpark("local[3]");
        assertEquals(SweepConfig.Executor.SPARK, onSpark.sweep().executor());
        assertEquals("local[3]", onSpark.sweep().spark().master());
        assertTrue(YamlFiles.toYaml(onSpark.sweep()).contains("executor: spark"), "sweep.yaml records it");
        ConfigException e = assertThrows(ConfigException.class, () -> plan.onSpark("local[two]"));
        assertEquals(List.of("--spark-master: 'local[two]' is not a Spark master URL (one of local, local[N], "
                + "local[*], spark://HOST:PORT, yarn, k8s://URL, mesos://URL)"),
                e.errors().stream().map(ConfigError::toString).toList());
    }

    @Test
    void sweepFilesAreToldApartFromExperimentFiles() {
        assertTrue(SweepLoader.isSweep(YamlFiles.parseMapping("base: a.yaml\n", "t")));
        assertTrue(SweepLoader.isSweep(YamlFiles.parseMapping("space: {}\n", "t")));
        assertFalse(SweepLoader.isSweep(YamlFiles.parseMapping("data: {root: x}\n", "t")));
    }
    @Test
    void keysWrittenTwiceInASweepFileAreErrorsNamingBothLines() {
        assertEquals(List.of("space.head.dropout: written twice, at line 3 and at line 5 (the second would silently "
                + "replace the first); keep one", "trials: written twice, at line 6 and at line 7 (the second "
                + "would silently replace the first); keep one"), errors("""
                base: exp.yaml
                space:
                  head.dropout: {uniform: [0, 0.5]}
                  train.optimizer.lr: {choice: [0.1, 0.01]}
                  head.dropout: {choice: [0.1]}
                trials: 4
                trials: 8
                """));
    }
}
