package dev.graft.train;

import dev.graft.GraftException;
import dev.graft.backbone.BackboneLoader;
import dev.graft.config.ExperimentConfig;
import dev.graft.config.Monitor;
import dev.graft.config.Seeds;
import dev.graft.config.YamlFiles;
import dev.graft.data.DataPipeline;
import dev.graft.data.ImageBatchIterator;
import dev.graft.data.Normalization;
import dev.graft.data.Split;
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.metrics.MetricsSummary;
import dev.graft.model.HeadSpec;
import dev.graft.model.ModelAssembler;
import dev.graft.run.RunDirectory;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The fit loop: assembles (or resumes) the model, trains epoch by epoch with validation, writes metrics,
 * checkpoints and the report into the run folder, and stops on completion, early stopping, divergence or a
 * {@link StopSignal}. Deterministic for a given seed: each batch reseeds ND4J from the seed and the global step.
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
        Normalization norm = InputNormalization.of(config.arch());
        try (DataPipeline data = DataPipeline.open(config.data(), config.seed(), config.imageSize(), norm)) {
            writeDataReport(data);
            List<String> classes = data.classes();
            ImageBatchIterator trainData = data.train(config.train().batchSize());
            int batchesPerEpoch = ceilDiv(trainData.epochSize(), config.train().batchSize());
            FreezePlan plan = new FreezePlan(config);
            StageTraining training = ModelRecipe.training(config, plan, config.train().epochs(), batchesPerEpoch);
            ComputationGraph model;
            TrainState state;
            if (resumeFrom == null) {
                model = ModelRecipe.assemble(config, backbones, plan, training,
                        new HeadSpec(config.head(), classes.size(), data.classWeights()));
                state = TrainState.start(classes);
            } else {
                Checkpoints.Loaded loaded = Checkpoints.read(resumeFrom);
                if (!loaded.state().classes().equals(classes)) {
                    throw new GraftException("the dataset's classes " + classes + " differ from the checkpoint's "
                            + loaded.state().classes() + "; resume with the same data");
                }
                model = loaded.model();
                state = loaded.state();
                LOG.info("resuming {} after epoch {}{}", run.path(), state.completedEpochs(),
                        state.batchesDone() > 0 ? ", batch " + state.batchesDone() : "");
            }
            LOG.info("{} | {} classes | {} train images, {} batches/epoch | frozen: {}", config.arch().id(),
                    classes.size(), trainData.epochSize(), batchesPerEpoch,
                    describe(plan.frozenIn(model)));
            try (EpochFitter fitter = fitters.create(config, data)) {
                Loop loop = new Loop(data, trainData, model, state, plan, training, batchesPerEpoch);
                loop.fitter = fitter;
                return loop.run();
            }
        }
    }

    /** One run of the epoch loop; holds the evolving model and state. */
    private final class Loop {
        private final DataPipeline data;
        private final ImageBatchIterator trainData;
        private final FreezePlan plan;
        private final StageTraining training;
        private final LabelSmoothing smoothing = new LabelSmoothing(config.train().labelSmoothing());
        private final int batchesPerEpoch;
        private final RunFiles files;
        private final BestTracker best;
        private ComputationGraph model;
        private TrainState state;
        private TrainPredictions predictions;
        private FeatureCache cache;
        private EpochFitter fitter; // null: fit in this thread

        Loop(DataPipeline data, ImageBatchIterator trainData, ComputationGraph model, TrainState state,
             FreezePlan plan, StageTraining training, int batchesPerEpoch) {
            this.data = data;
            this.trainData = trainData;
            this.model = model;
            this.state = state;
            this.plan = plan;
            this.training = training;
            this.batchesPerEpoch = batchesPerEpoch;
            this.files = new RunFiles(run, config, state.classes());
            this.best = new BestTracker(run.resolve("checkpoints"), config.checkpoint(), state.best());
            boolean resumed = state.completedEpochs() > 0 || state.batchesDone() > 0;
            this.cache = FeatureCache.plan(config, model, data, run.resolve("cache"), resumed);
            listen();
        }

        TrainResult run() {
            try {
                return epochs();
            } finally {
                if (cache != null) {
                    cache.close();
                }
            }
        }

        private TrainResult epochs() {
            String yaml = YamlFiles.toYaml(config);
            for (int epoch = state.completedEpochs() + 1; epoch <= config.train().epochs(); epoch++) {
                applyFreezePlan(epoch);
                TrainResult stopped = trainEpoch(epoch, yaml);
                if (stopped != null) {
                    return stopped;
                }
                if (earlyStopping(epoch)) {
                    return result(TrainResult.Status.EARLY_STOPPED, "early stopping: "
                            + config.train().earlyStopping().monitor() + " did not improve for "
                            + state.badEpochs() + " epochs");
                }
            }
            return result(TrainResult.Status.COMPLETED, "completed " + config.train().epochs() + " epochs");
        }

        private void applyFreezePlan(int epoch) {
            List<String> wanted = plan.frozenAt(epoch);
            List<String> current = plan.frozenIn(model);
            if (!wanted.equals(current)) {
                List<String> released = new ArrayList<>(current);
                released.removeAll(wanted);
                LOG.info("epoch {}: unfreezing {} (lr x{})", epoch, describe(released),
                        plan.multipliers().get(released.get(0)));
                model = ModelAssembler.refreeze(model, plan.stages(), wanted, training);
                listen();
            }
        }

        /** Trains one epoch and validates; returns a result only when the run must stop now. */
        private TrainResult trainEpoch(int epoch, String yaml) {
            ClassificationMetrics trainMetrics = new ClassificationMetrics(state.classes());
            int startBatch = 0;
            double carriedSeconds = 0;
            if (state.batchesDone() > 0 && state.completedEpochs() == epoch - 1) {
                startBatch = state.batchesDone();
                trainMetrics.restore(state.partialTrain());
                carriedSeconds = state.partialSeconds();
            }
            TailModel tail = cache != null ? cache.tail(model) : null;
            ComputationGraph active = tail != null ? tail.graph() : model;
            active.setListeners(predictions);
            if (cache == null || cache.needsImages(epoch)) {
                trainData.setEpoch(epoch - 1);
            }
            DataSetIterator source = cache != null ? cache.trainBatches(epoch, trainData) : trainData;
            for (int b = 0; b < startBatch && source.hasNext(); b++) {
                source.next(); // same order and augmentation as before the interruption
            }
            long start = System.nanoTime();
            double lr = 0;
            String task = String.format(Locale.ROOT, "epoch %d/%d", epoch, config.train().epochs());
            if (fitter != null) { // train.devices > 1 or train.distributed: workers fit the epoch (EpochFitter)
                EpochFitter.Result fit;
                try (Progress progress = Progress.start(task, batchesPerEpoch, startBatch, config.train().logEvery())) {
                    fit = fitter.fit(new EpochFitter.Epoch(model, epoch, startBatch, batchesPerEpoch, trainData,
                            trainMetrics, stop, progress));
                }
                model = fit.model();
                lr = training.headLearningRate(Math.max(0, model.getIterationCount() - 1));
                if (!Double.isFinite(fit.loss())) {
                    return result(TrainResult.Status.DIVERGED, String.format(Locale.ROOT, "the loss became %s at "
                            + "epoch %d; lower train.optimizer.lr or set train.grad_clip. The last good checkpoint is "
                            + "kept in %s", fit.loss(), epoch, run.resolve("checkpoints")));
                }
                if (fit.batchesDone() < batchesPerEpoch) {
                    double seconds = carriedSeconds + (System.nanoTime() - start) / 1e9;
                    state = new TrainState(state.classes(), epoch - 1, fit.batchesDone(), trainMetrics.state(),
                            seconds, state.history(), best.entries(), state.earlyStoppingBest(), state.badEpochs());
                    Checkpoints.write(files.last(), model, state, yaml, true);
                    return result(TrainResult.Status.INTERRUPTED, stop.reason() + ": stopped at epoch " + epoch
                            + ", batch " + fit.batchesDone() + "; resume with: graft train --resume " + run.path());
                }
            } else try (Progress progress = Progress.start(task, batchesPerEpoch, startBatch,
                    config.train().logEvery())) {
                int batch = startBatch;
                while (source.hasNext()) {
                    DataSet ds = source.next();
                    int step = active.getIterationCount();
                    lr = training.headLearningRate(step);
                    Nd4j.getRandom().setSeed(Seeds.derive(config.seed(), "step-" + step));
                    int[] labels = Evaluator.labels(ds);
                    smoothing.preProcess(ds);
                    predictions.expect(trainMetrics, labels);
                    active.fit(ds);
                    double loss = active.score();
                    if (!Double.isFinite(loss)) {
                        return result(TrainResult.Status.DIVERGED, String.format(Locale.ROOT,
                                "the loss became %s at epoch %d, batch %d; lower train.optimizer.lr or set "
                                        + "train.grad_clip. The last good checkpoint is kept in %s", loss, epoch,
                                batch + 1, run.resolve("checkpoints")));
                    }
                    LOG.debug("epoch {} batch {} (step {}): loss {}", epoch, batch + 1, step, loss);
                    trainMetrics.addLoss(loss * labels.length, labels.length);
                    progress.step(labels.length, loss);
                    batch++;
                    stop.batchDone();
                    if (stop.requested() && source.hasNext()) {
                        if (tail != null) {
                            tail.pushTo(model);
                        }
                        double seconds = carriedSeconds + (System.nanoTime() - start) / 1e9;
                        state = new TrainState(state.classes(), epoch - 1, batch, trainMetrics.state(), seconds,
                                state.history(), best.entries(), state.earlyStoppingBest(), state.badEpochs());
                        Checkpoints.write(files.last(), model, state, yaml, true);
                        return result(TrainResult.Status.INTERRUPTED, stop.reason() + ": stopped at epoch " + epoch
                                + ", batch " + batch + "; resume with: graft train --resume " + run.path());
                    }
                }
            }
            double seconds = carriedSeconds + (System.nanoTime() - start) / 1e9;
            MetricsSummary train = trainMetrics.summary();
            DataSetIterator valData = data.eval(Split.VAL, config.train().batchSize());
            MetricsSummary val = tail != null
                    ? Evaluator.evaluate(active, cache.valBatches(valData), state.classes(), null)
                    : Evaluator.evaluate(model, valData, state.classes(), null);
            if (tail != null) {
                tail.pushTo(model);
            }
            EpochRecord record = new EpochRecord(epoch, lr, train.loss(), train.top1(), train.topK(), val.loss(),
                    val.top1(), val.topK(), val.balancedAccuracy(), val.macroF1(), train.count(), seconds,
                    train.count() / Math.max(1e-9, seconds), String.join(" ", plan.frozenIn(model)));
            model.getConfiguration().setEpochCount(epoch);
            List<EpochRecord> history = new ArrayList<>(state.history());
            history.add(record);
            LOG.info(String.format(Locale.ROOT, "epoch %d/%d  loss %.4f  top1 %.3f | val loss %.4f  top1 %.3f  "
                            + "top%d %.3f  bal.acc %.3f | %.0fs, %.1f img/s", epoch, config.train().epochs(),
                    record.trainLoss(), record.trainTop1(), record.valLoss(), record.valTop1(), val.k(),
                    record.valTop5(), record.valBalancedAccuracy(), seconds, record.imagesPerSecond()));
            state = earlyStoppingUpdate(new TrainState(state.classes(), epoch, 0, null, 0, history, state.best(),
                    state.earlyStoppingBest(), state.badEpochs()), record);
            files.writeEpoch(record, val, history);
            boolean isBest = best.offer(epoch, record.metric(config.checkpoint().monitor()),
                    path -> Checkpoints.write(path, model, withBest(), yaml, true));
            state = withBest();
            if (isBest) {
                files.writeBestConfusion(val, epoch);
            }
            Checkpoints.write(files.last(), model, state, yaml, true);
            files.writeReport(state.history(), best.entries());
            return null;
        }

        private TrainState withBest() {
            return new TrainState(state.classes(), state.completedEpochs(), state.batchesDone(), state.partialTrain(),
                    state.partialSeconds(), state.history(), best.entries(), state.earlyStoppingBest(),
                    state.badEpochs());
        }

        /** The early-stopping counters after {@code record}. */
        private TrainState earlyStoppingUpdate(TrainState s, EpochRecord record) {
            var es = config.train().earlyStopping();
            double value = record.metric(es.monitor());
            double bestSoFar = s.earlyStoppingBest();
            boolean lower = Monitor.lowerIsBetter(es.monitor());
            boolean improved = Double.isNaN(bestSoFar)
                    || (lower ? value < bestSoFar - es.minDelta() : value > bestSoFar + es.minDelta());
            return new TrainState(s.classes(), s.completedEpochs(), s.batchesDone(), s.partialTrain(),
                    s.partialSeconds(), s.history(), s.best(), improved ? value : bestSoFar,
                    improved ? 0 : s.badEpochs() + 1);
        }

        private boolean earlyStopping(int epoch) {
            var es = config.train().earlyStopping();
            return es.enabled() && state.badEpochs() >= es.patience() && epoch < config.train().epochs();
        }

        private void listen() {
            predictions = new TrainPredictions(model);
            model.setListeners(predictions);
        }

        private TrainResult result(TrainResult.Status status, String message) {
            var top = best.entries().isEmpty() ? null : best.entries().get(0);
            return new TrainResult(status, message, state.history(), run.path(),
                    top == null ? null : run.resolve("checkpoints").resolve(BestTracker.BEST),
                    top == null ? Double.NaN : top.value(), top == null ? 0 : top.epoch());
        }
    }

    private void writeDataReport(DataPipeline data) {
        try {
            data.report().write(run.resolve("data-report.json"));
        } catch (java.io.IOException e) {
            throw new GraftException("cannot write " + run.resolve("data-report.json") + ": " + e.getMessage(), e);
        }
    }

    private static String describe(List<String> stages) {
        return stages.isEmpty() ? "none" : String.join(", ", stages);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
