package dev.graft.train;

import dev.graft.GraftException;
import dev.graft.backbone.BackboneLoader;
import dev.graft.config.ExperimentConfig;
import dev.graft.config.HeadConfig;
import dev.graft.data.TargetScaling;
import dev.graft.data.DataPipeline;
import dev.graft.run.StartupClock;
import dev.graft.data.ImageBatchIterator;
import dev.graft.data.Normalization;
import dev.graft.model.HeadSpec;
import dev.graft.run.RunDirectory;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;

/**
 * Training a run: opens the data, assembles (or resumes) the model and hands it to the {@link EpochLoop}, which
 * trains epoch by epoch with the run's {@link EpochFitter}, validates, writes metrics, checkpoints and the report
 * into the run folder, and stops on completion, early stopping, divergence or a {@link StopSignal}.
 * Deterministic for a given seed: each batch reseeds ND4J from the seed and the global step.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final ExperimentConfig config;
    private final RunDirectory run;
    private final StopSignal stop;
    private final BackboneLoader backbones;
    private final EpochFitter.Factory fitters;

    /** A trainer that fits in-process only (configs asking for workers are refused). */
    public Trainer(ExperimentConfig config, RunDirectory run, StopSignal stop, BackboneLoader backbones) {
        this(config, run, stop, backbones, EpochFitter.Factory.IN_PROCESS);
    }

    /** A trainer whose epochs {@code fitters} may give to workers (train.devices, train.distributed). */
    public Trainer(ExperimentConfig config, RunDirectory run, StopSignal stop, BackboneLoader backbones,
                   EpochFitter.Factory fitters) {
        this.config = config;
        this.run = run;
        this.stop = stop;
        this.backbones = backbones;
        this.fitters = fitters;
    }

    /** Trains from the start, or from {@code resumeFrom} (a {@code last.zip}) when not null. */
    public TrainResult train(Path resumeFrom) {
        long startNanos = System.nanoTime();
        StartupClock.mark("set-up");
        Normalization norm = InputNormalization.of(config.arch());
        try (DataPipeline data = DataPipeline.open(config.data(), config.head().problem(), config.seed(),
                config.imageSize(), norm)) {
            writeDataReport(data);
            StartupClock.mark("data scan");
            List<String> classes = data.classes();
            PositiveClass.index(config.data(), classes); // a wrong data.positive_class fails now, not after training
            ImageBatchIterator trainData = data.train(config.train().batchSize());
            int batchesPerEpoch = ceilDiv(trainData.epochSize(), config.train().batchSize());
            FreezePlan plan = new FreezePlan(config);
            // The schedule counts optimizer updates: K accumulated batches make one.
            StageTraining training = ModelRecipe.training(config, plan, config.train().epochs(),
                    config.train().updatesPerEpoch(batchesPerEpoch));
            Checkpoints.Loaded start = resumeFrom == null
                    ? new Checkpoints.Loaded(ModelRecipe.assemble(config, backbones, plan, training,
                            new HeadSpec(config.head(), classes.size(), lossWeights(data),
                                    config.train().loss())),
                            TrainState.start(classes, scaling(data)), null)
                    : resumed(resumeFrom, classes);
            StartupClock.mark("model");
            LOG.info("{} | {} classes | {} train images, {} batches/epoch | frozen: {}", config.arch().id(),
                    classes.size(), trainData.epochSize(), batchesPerEpoch,
                    describe(plan.frozenIn(start.model())));
            try (EpochFitter fitter = fitters.create(config, data)) {
                EpochLoop.Setup setup = new EpochLoop.Setup(config, run, stop, fitter, data, trainData, plan,
                        training, batchesPerEpoch, startNanos);
                return new EpochLoop(setup, start.model(), start.state(), start.average()).run();
            }
        }
    }

    /** The model and state of {@code last.zip}, which must be of the same classes. */
    private Checkpoints.Loaded resumed(Path last, List<String> classes) {
        Checkpoints.Loaded loaded = Checkpoints.read(last);
        if (!loaded.state().classes().equals(classes)) {
            throw new GraftException("the dataset's classes " + classes + " differ from the checkpoint's "
                    + loaded.state().classes() + "; resume with the same data");
        }
        LOG.info("resuming {} {}", run.path(), loaded.state().position());
        return loaded;
    }

    /** The head's per-output loss weights: class weights (single-label) or positive weights (multi-label). */
    private float[] lossWeights(DataPipeline data) {
        return switch (config.head().problem()) {
            case SINGLE_LABEL -> data.classWeights();
            case MULTI_LABEL -> {
                float[] weights = data.positiveWeights(config.head().posWeight());
                if (weights != null) {
                    LOG.info("head.pos_weight {}: {}", config.head().posWeight().mode().toString()
                            .toLowerCase(java.util.Locale.ROOT), describeWeights(data.classes(), weights));
                }
                yield weights;
            }
            case REGRESSION -> null;
        };
    }

    private static String describeWeights(List<String> labels, float[] weights) {
        StringBuilder out = new StringBuilder();
        for (int j = 0; j < weights.length; j++) {
            out.append(j == 0 ? "" : ", ").append(labels.get(j)).append(' ')
                    .append(String.format(java.util.Locale.ROOT, "%.3g", weights[j]));
        }
        return out.toString();
    }

    /** A regression head's target standardisation (kept in every checkpoint); null for other heads. */
    private TargetScaling scaling(DataPipeline data) {
        if (config.head().problem() != HeadConfig.Problem.REGRESSION) {
            return null;
        }
        TargetScaling scaling = data.targetScaling();
        LOG.info("regression target {}: standardised with the training split's mean {} and std {}",
                data.classes().get(0), scaling.mean(), scaling.std());
        return scaling;
    }

    private void writeDataReport(DataPipeline data) {
        try {
            data.report().write(run.resolve("data-report.json"));
        } catch (java.io.IOException e) {
            throw new GraftException("cannot write " + run.resolve("data-report.json") + ": " + e.getMessage(), e);
        }
    }

    static String describe(List<String> stages) {
        return stages.isEmpty() ? "none" : String.join(", ", stages);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
