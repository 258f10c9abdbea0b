package dev.graft.train;

import dev.graft.GraftException;
import dev.graft.backbone.BackboneLoader;
import dev.graft.config.ExperimentConfig;
import dev.graft.config.HeadConfig;
import dev.graft.data.DataPipeline;
import dev.graft.data.ImageBatchIterator;
import dev.graft.model.HeadSpec;
import dev.graft.model.LayerTraining;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@code graft lr-find}: the {@link RangeTest} on an experiment's own model and training data (its freezing, head,
 * optimizer, layer decay, accumulation and label smoothing), writing {@code lr-find.csv} and {@code lr-find.png}
 * into its own folder. The model is assembled for the sweep and dropped afterwards: no run folder, checkpoint or
 * optimizer state is left behind. Frozen stages run as frozen layers (no feature cache: one pass over a few
 * hundred batches gains nothing from it).
 */
public final class LrFinder {
    private LrFinder() {
    }

    /** The sweep's range and length, and where its files go. */
    public record Options(int steps, double minLr, double maxLr, Path outDir) {
    }

    /** What the sweep found, and its files. */
    public record Outcome(double suggestedLr, double minimumLr, double steepestLr, boolean diverged,
                          int steps, Path csv, Path png) {
    }

    /** Runs the sweep for {@code config}; see {@link RangeTest} for the suggestion's rule. */
    public static Outcome run(ExperimentConfig config, BackboneLoader backbones, Options options) {
        if (!(options.minLr() > 0 && options.maxLr() > options.minLr() && options.steps() >= 5)) {
            throw GraftException.usage("lr-find needs 0 < --min-lr < --max-lr and --steps >= 5 (were "
                    + options.minLr() + ", " + options.maxLr() + ", " + options.steps() + ")");
        }
        try (DataPipeline data = DataPipeline.open(config.data(), config.head().problem(), config.seed(),
                config.imageSize(), InputNormalization.of(config.arch()))) {
            FreezePlan plan = new FreezePlan(config);
            StageTraining base = ModelRecipe.training(config, plan, 1, options.steps());
            LayerTraining sweep = new Sweep(base, config, options);
            float[] weights = config.head().problem() == HeadConfig.Problem.SINGLE_LABEL ? data.classWeights() : null;
            ComputationGraph model = ModelRecipe.assemble(config, backbones, plan, sweep,
                    new HeadSpec(config.head(), data.classes().size(), weights));
            ImageBatchIterator train = data.train(config.train().batchSize());
            RangeTest.Curve curve = RangeTest.run(model, endless(train), options.steps(), options.minLr(),
                    options.maxLr(), config.train().accumulate(), config.seed(),
                    new LabelSmoothing(config.train().labelSmoothing()));
            return write(curve, options);
        }
    }

    /** The training batches epoch after epoch. */
    private static Supplier<DataSet> endless(ImageBatchIterator train) {
        return () -> {
            if (!train.hasNext()) {
                train.setEpoch(train.epoch() + 1);
            }
            return train.next();
        };
    }

    private static Outcome write(RangeTest.Curve curve, Options options) {
        Path csv = options.outDir().resolve("lr-find.csv");
        Path png = options.outDir().resolve("lr-find.png");
        StringBuilder rows = new StringBuilder("step,lr,loss,smoothed_loss\n");
        for (RangeTest.Point p : curve.points()) {
            rows.append(String.format(Locale.ROOT, "%d,%.6g,%.6g,%.6g%n", p.step(), p.lr(), p.loss(), p.smoothed()));
        }
        try {
            Files.createDirectories(options.outDir());
            dev.graft.AtomicFiles.write(csv, out -> out.write(rows.toString().getBytes(
                    java.nio.charset.StandardCharsets.UTF_8)));
            byte[] image = RunReport.png(chart(curve));
            dev.graft.AtomicFiles.write(png, out -> out.write(image));
        } catch (IOException e) {
            throw new GraftException("cannot write " + options.outDir() + ": " + e.getMessage(), e);
        }
        return new Outcome(curve.suggestedLr(), curve.minimumLr(), curve.steepestLr(), curve.diverged(),
                curve.points().size(), csv, png);
    }

    private static XYChart chart(RangeTest.Curve curve) {
        XYChart chart = new XYChartBuilder().width(720).height(420).title("Learning-rate range test")
                .xAxisTitle("learning rate (log)").yAxisTitle("training loss").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setMarkerSize(9); // only the suggestion has a marker
        List<Double> lr = curve.points().stream().map(RangeTest.Point::lr).toList();
        List<Double> finite = curve.points().stream().map(p -> Double.isFinite(p.loss()) ? p.loss() : Double.NaN)
                .toList();
        chart.addSeries("loss", lr, finite).setMarker(SeriesMarkers.NONE);
        chart.addSeries("smoothed", lr, curve.points().stream().map(RangeTest.Point::smoothed).toList())
                .setMarker(SeriesMarkers.NONE);
        if (Double.isFinite(curve.suggestedLr())) {
            double y = curve.points().stream().min(java.util.Comparator.comparingDouble(
                    p -> Math.abs(Math.log(p.lr() / curve.suggestedLr())))).map(RangeTest.Point::smoothed)
                    .orElse(Double.NaN);
            chart.addSeries(String.format(Locale.ROOT, "suggested %.2g", curve.suggestedLr()), List.of(
                    curve.suggestedLr()), List.of(y)).setMarker(SeriesMarkers.CIRCLE);
        }
        return chart;
    }

    /** The run's per-stage updaters with the sweep's rising rate in place of the schedule. */
    private record Sweep(StageTraining base, ExperimentConfig config, Options options) implements LayerTraining {
        @Override
        public IUpdater updater(String stage) {
            double m = base.multiplier(stage);
            return StageTraining.updater(config.train().optimizer(),
                    RangeTest.schedule(options.minLr() * m, options.maxLr() * m, options.steps()));
        }

        @Override
        public List<Regularization> weightRegularization() {
            return base.weightRegularization();
        }

        @Override
        public double gradientClip() {
            return base.gradientClip();
        }

        @Override
        public boolean normEval() {
            return base.normEval();
        }
    }
}
