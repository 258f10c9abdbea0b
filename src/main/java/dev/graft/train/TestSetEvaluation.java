package dev.graft.train;

import dev.graft.run.RunDirectory;
import dev.graft.GraftException;
import dev.graft.config.ConfigLoader;
import dev.graft.config.DataConfig;
import dev.graft.config.HeadConfig;
import dev.graft.config.ExperimentConfig;
import dev.graft.config.YamlFiles;
import dev.graft.data.DataPipeline;
import dev.graft.data.Normalization;
import dev.graft.data.Split;
import dev.graft.metrics.DecisionRule;
import dev.graft.metrics.LabelScores;
import dev.graft.metrics.LabelThresholds;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code graft evaluate}: scores a trained model on its run's own test split, or on a folder of labelled images
 * (one sub-folder per class), with the run's evaluation transform and its {@link DecisionRule}
 * ({@code decision.json}: temperature, binary threshold) when the run folder has one for that checkpoint.
 * Writes the same {@code test-metrics.json} and predictions CSV as training does.
 */
public final class TestSetEvaluation {
    private TestSetEvaluation() {
    }

    /**
     * The outcome, and where its files went.
     *
     * @param line    the one-line summary training prints too
     * @param metrics a single-label model's metrics (its per-class table); null for multi-label and regression
     */
    public record Outcome(Path checkpoint, Path metricsJson, Path predictionsCsv, String line,
                          dev.graft.metrics.MetricsSummary metrics) {
    }

    /**
     * @param model          a run folder (its {@code checkpoints/best.zip}) or a checkpoint zip
     * @param dataDir        labelled images; null scores the run's own test split
     * @param predictionsCsv where the per-image CSV goes; null means {@code test-predictions.csv} in the run folder
     *                       (or next to the checkpoint). The metrics go to {@code test-metrics.json} there when
     *                       scoring the run's test split, else next to the CSV as {@code <name>-metrics.json}
     */
    public static Outcome run(Path model, Path dataDir, Path predictionsCsv) {
        Path checkpoint = resolveCheckpoint(model);
        Checkpoints.Loaded loaded = Checkpoints.read(checkpoint);
        ExperimentConfig config = configOf(loaded, checkpoint);
        if (config.head().problem() != HeadConfig.Problem.SINGLE_LABEL) {
            return targets(loaded, config, checkpoint, dataDir, predictionsCsv);
        }
        List<String> classes = loaded.state().classes();
        Path runFolder = runFolderOf(checkpoint);
        int epoch = loaded.state().completedEpochs();
        DecisionRule rule = (runFolder == null ? java.util.Optional.<DecisionRule>empty()
                : FinalEvaluation.readRule(runFolder, epoch))
                .orElseGet(() -> uncalibrated(config, classes, epoch));
        Split split = dataDir == null ? Split.TEST : Split.VAL;
        DataConfig data = dataDir == null ? config.data() : folderData(config.data(), dataDir, classes);
        Normalization norm = InputNormalization.of(config.arch());
        ScoredSplit scored;
        try (DataPipeline pipeline = DataPipeline.open(data, config.seed(), config.imageSize(), norm)) {
            if (dataDir == null && !pipeline.has(Split.TEST)) {
                throw GraftException.usage("the run's data has no test split (data.test, or data.split.test for "
                        + "root/csv layouts); pass --data DIR to score a labelled folder");
            }
            requireSameClasses(pipeline.classes(), classes);
            scored = FinalEvaluation.score(loaded.inferenceModel(), pipeline, split, classes, rule,
                    config.train().batchSize(), dev.graft.model.TestTimeAugmentation.of(config.evaluation().tta()));
        }
        scored = scored.as(Split.TEST);
        Path folder = runFolder != null ? runFolder : checkpoint.toAbsolutePath().getParent();
        Path csv = predictionsCsv != null ? predictionsCsv : RunDirectory.predictionsCsv(folder, "test");
        // Another folder's metrics go next to its CSV: the run's own test-metrics.json is never overwritten by them.
        Path metricsJson = dataDir == null ? folder.resolve("test-metrics.json")
                : csv.resolveSibling(csv.getFileName().toString().replaceFirst("\\.csv$", "") + "-metrics.json");
        SplitResultFiles.write(metricsJson, SplitResultFiles.json(scored, checkpoint));
        SplitResultFiles.writePredictions(scored, csv);
        return new Outcome(checkpoint, metricsJson, csv, FinalEvaluation.line(scored),
                scored.evaluation().summary());
    }

    /**
     * A multi-label or regression model on its run's test split ({@link TargetFinalEvaluation}): the metrics and,
     * for multi-label, each label's precision, recall and F1 at the thresholds of the run's {@code decision.json}
     * (0.5 for every label when it has none for this checkpoint).
     */
    private static Outcome targets(Checkpoints.Loaded loaded, ExperimentConfig config, Path checkpoint, Path dataDir,
                                   Path predictionsCsv) {
        if (dataDir != null) {
            throw GraftException.usage("--data scores a folder with one sub-folder per class, which cannot hold a "
                    + config.head().problem() + " model's targets; leave it out to score the run's test split "
                    + "(data.csv with data.split.test)");
        }
        List<String> outputs = loaded.state().classes();
        Path runFolder = runFolderOf(checkpoint);
        int epoch = loaded.state().completedEpochs();
        double[] thresholds = null;
        if (config.head().problem() == HeadConfig.Problem.MULTI_LABEL) {
            thresholds = (runFolder == null ? java.util.Optional.<DecisionRule>empty()
                    : FinalEvaluation.readRule(runFolder, epoch)).filter(DecisionRule::perLabel)
                    .map(r -> r.thresholdsFor(outputs))
                    .orElseGet(() -> LabelThresholds.tune(new LabelScores(new double[0][], new float[0][]),
                            outputs.size()));
        }
        TargetEvaluator.Evaluation e;
        Normalization norm = InputNormalization.of(config.arch());
        try (DataPipeline pipeline = DataPipeline.open(config.data(), config.head().problem(), config.seed(),
                config.imageSize(), norm)) {
            if (!pipeline.has(Split.TEST)) {
                throw GraftException.usage("the run's data has no test split; set data.split.test in its config "
                        + "and train again");
            }
            e = TargetFinalEvaluation.evaluate(loaded, config, pipeline, Split.TEST);
        }
        Path folder = runFolder != null ? runFolder : checkpoint.toAbsolutePath().getParent();
        Path csv = predictionsCsv != null ? predictionsCsv : RunDirectory.predictionsCsv(folder, "test");
        Path metricsJson = folder.resolve("test-metrics.json");
        TargetFinalEvaluation.write(Split.TEST, e, outputs, thresholds, checkpoint, epoch, metricsJson, csv);
        StringBuilder line = new StringBuilder("test: " + e.count() + " images");
        e.scores().forEach((k, v) -> line.append(String.format(java.util.Locale.ROOT, ", %s %.4f", k, v)));
        return new Outcome(checkpoint, metricsJson, csv, line.toString(), null);
    }

    /** A rule with no temperature and, for a binary task, the plain 0.5 threshold (no decision.json). */
    private static DecisionRule uncalibrated(ExperimentConfig config, List<String> classes, int epoch) {
        int positive = PositiveClass.index(config.data(), classes);
        return positive == PositiveClass.NONE ? new DecisionRule(epoch, 1.0, null, PositiveClass.NONE, null, null)
                : new DecisionRule(epoch, 1.0, classes.get(positive), positive, DecisionFitting.FALLBACK_THRESHOLD,
                "threshold 0.5 (the run has no decision.json)");
    }

    /** The run's data settings over a folder of class sub-folders, read as one evaluation split. */
    private static DataConfig folderData(DataConfig d, Path dataDir, List<String> classes) {
        String folder = dataDir.toAbsolutePath().normalize().toString();
        return new DataConfig(folder, folder, null, null, DataConfig.Synthetic.NONE, null, d.split(), classes,
                d.positiveClass(), d.imageSize(), d.cropRatio(), List.of(), dev.graft.config.ClassWeights.none(),
                DataConfig.Sampler.SHUFFLE, d.workers(), d.prefetch(), dev.graft.config.MixConfig.defaults());
    }

    private static void requireSameClasses(List<String> data, List<String> model) {
        if (!data.equals(model)) {
            throw GraftException.usage("the images' classes " + data + " differ from the model's " + model);
        }
    }

    /** The run folder of {@code runFolder/checkpoints/x.zip}; null for a checkpoint elsewhere. */
    private static Path runFolderOf(Path checkpoint) {
        Path parent = checkpoint.toAbsolutePath().normalize().getParent();
        return parent.getFileName().toString().equals("checkpoints") ? parent.getParent() : null;
    }

    static Path resolveCheckpoint(Path model) {
        if (Files.isDirectory(model)) {
            Path best = model.resolve("checkpoints").resolve(BestTracker.BEST);
            Path last = model.resolve("checkpoints").resolve("last.zip");
            if (Files.isRegularFile(best)) {
                return best;
            }
            if (Files.isRegularFile(last)) {
                return last;
            }
            throw GraftException.usage(model + " holds no checkpoints/best.zip or last.zip; pass a run folder or "
                    + "a checkpoint .zip");
        }
        if (!Files.isRegularFile(model)) {
            throw GraftException.usage("no such run folder or checkpoint: " + model);
        }
        return model;
    }

    private static ExperimentConfig configOf(Checkpoints.Loaded loaded, Path checkpoint) {
        // The checkpoint's config is already resolved (absolute paths), so its folder argument is moot; it binds
        // schema only, as the run's data and weights need not be on this machine.
        return ConfigLoader.schemaOnly().fromTree(YamlFiles.parseMapping(loaded.configYaml(), checkpoint.toString()),
                checkpoint.toString(), checkpoint.toAbsolutePath().getParent(), List.of("data.synthetic=none"),
                "evaluate");
    }
}
