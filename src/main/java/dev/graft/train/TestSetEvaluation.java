package dev.graft.train;

import dev.graft.GraftException;
import dev.graft.config.ConfigLoader;
import dev.graft.config.DataConfig;
import dev.graft.config.ExperimentConfig;
import dev.graft.config.YamlFiles;
import dev.graft.data.DataPipeline;
import dev.graft.data.Normalization;
import dev.graft.data.SampleRef;
import dev.graft.data.Split;
import dev.graft.metrics.MetricsSummary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * {@code graft evaluate}: scores a trained model on a folder of labelled images (one sub-folder per class)
 * with the training run's evaluation transform, and writes per-image predictions.
 */
public final class TestSetEvaluation {
    private TestSetEvaluation() {
    }

    /** The outcome: metrics and where the per-image predictions went. */
    public record Outcome(MetricsSummary metrics, List<String> classes, Path predictionsCsv, Path checkpoint) {
    }

    /**
     * @param model a run folder (its {@code checkpoints/best.zip}) or a checkpoint zip
     * @param top   how many class probabilities to write per image
     */
    public static Outcome run(Path model, Path dataDir, Path predictionsCsv, int top) {
        Path checkpoint = resolveCheckpoint(model);
        Checkpoints.Loaded loaded = Checkpoints.read(checkpoint);
        ExperimentConfig config = configOf(loaded, checkpoint);
        List<String> classes = loaded.state().classes();
        DataConfig d = config.data();
        String folder = dataDir.toAbsolutePath().normalize().toString();
        DataConfig evalData = new DataConfig(folder, folder, null, null, DataConfig.Synthetic.NONE, null, d.split(),
                classes, d.imageSize(), d.cropRatio(), List.of(), dev.graft.config.ClassWeights.none(),
                DataConfig.Sampler.SHUFFLE, d.workers(), d.prefetch());
        Normalization norm = InputNormalization.of(config.arch());
        List<String> rows = new ArrayList<>();
        MetricsSummary summary;
        try (DataPipeline data = DataPipeline.open(evalData, config.seed(), config.imageSize(), norm)) {
            int k = Math.min(top, classes.size());
            summary = Evaluator.evaluate(loaded.model(), data.eval(Split.VAL, config.train().batchSize()), classes,
                    (source, label, p) -> rows.add(row(source, classes, label, p, k)));
        }
        StringBuilder csv = new StringBuilder("path,true,predicted,correct");
        for (int i = 1; i <= Math.min(top, classes.size()); i++) {
            csv.append(",top").append(i).append(",p").append(i);
        }
        csv.append('\n');
        rows.forEach(r -> csv.append(r).append('\n'));
        try {
            dev.graft.AtomicFiles.writeString(predictionsCsv, csv.toString());
        } catch (IOException e) {
            throw new GraftException("cannot write " + predictionsCsv + ": " + e.getMessage(), e);
        }
        return new Outcome(summary, classes, predictionsCsv, checkpoint);
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

    private static String row(Object source, List<String> classes, int label, float[] p, int k) {
        String path = source instanceof SampleRef ref ? ref.path() : String.valueOf(source);
        List<Integer> order = IntStream.range(0, p.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -p[i])).toList();
        StringBuilder r = new StringBuilder(csv(path)).append(',').append(csv(classes.get(label))).append(',')
                .append(csv(classes.get(order.get(0)))).append(',').append(order.get(0) == label);
        for (int i = 0; i < k; i++) {
            r.append(',').append(csv(classes.get(order.get(i)))).append(',')
                    .append(String.format(Locale.ROOT, "%.6f", p[order.get(i)]));
        }
        return r.toString();
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

}
