package dev.graft.train;

import dev.graft.config.EmaConfig;
import dev.graft.config.ExperimentConfig;
import dev.graft.config.HeadConfig;
import dev.graft.config.Monitor;
import dev.graft.config.YamlFiles;
import dev.graft.data.DataPipeline;
import dev.graft.data.ImageBatchIterator;
import dev.graft.data.Split;
import dev.graft.data.TargetScaling;
import dev.graft.metrics.ClassificationMetrics;
import dev.graft.metrics.MetricsSummary;
import dev.graft.model.ModelAssembler;
import dev.graft.run.RunDirectory;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One run of the epoch loop: holds the evolving model and {@link TrainState}, gives each epoch's training to the
 * run's {@link EpochFitter} (in-process, ParallelWrapper or Spark alike), then validates, writes the metrics
 * files and checkpoints, and ends the run on completion, early stopping, divergence or a {@link StopSignal}.
 */
final class EpochLoop {
    private static final Logger LOG = LoggerFactory.getLogger(EpochLoop.class);

    /** How one epoch ended: trained (the loop goes on), or the run ends now. */
    sealed interface EpochEnd {
        /** The epoch was trained and validated; {@code record} is its row of metrics.csv. */
        record Trained(EpochRecord record) implements EpochEnd {
        }

        /** The run ends in this epoch (stopped or diverged). */
        record RunEnds(TrainResult.Status status, String message) implements EpochEnd {
        }
    }

    /** What the loop works with besides the model and state; {@code startNanos}: when this attempt began. */
    record Setup(ExperimentConfig config, RunDirectory run, StopSignal stop, EpochFitter fitter, DataPipeline data,
                 ImageBatchIterator trainData, FreezePlan plan, StageTraining training, int batchesPerEpoch,
                 long startNanos) {
    }

    private final ExperimentConfig config;
    private final Setup setup;
    private final RunFiles files;
    private final BestTracker best;
    private final String yaml;
    private final double earlierSeconds;
    private ComputationGraph model;
    private TrainState state;
    private FeatureCache cache;
    /** The weight average of train.ema; null without it. */
    private final ParameterEma average;
    /** The class whose probability binary metrics score (data.positive_class). */
    private final int positiveClass;

    /** {@code average}: a resumed run's weight average (null: a new one starts from {@code model}, if asked for). */
    EpochLoop(Setup setup, ComputationGraph model, TrainState state, org.nd4j.linalg.api.ndarray.INDArray average) {
        this.config = setup.config();
        this.setup = setup;
        this.model = model;
        this.state = state;
        this.files = new RunFiles(setup.run(), config, state.classes());
        this.best = new BestTracker(setup.run().resolve("checkpoints"), config.checkpoint(), state.best());
        this.yaml = YamlFiles.toYaml(config);
        this.earlierSeconds = state.runSeconds();
        boolean resumed = state.completedEpochs() > 0 || state.midEpoch();
        this.positiveClass = PositiveClass.forMetrics(PositiveClass.index(config.data(), state.classes()));
        EmaConfig ema = config.train().ema();
        this.average = !ema.enabled() ? null
                : average != null ? ParameterEma.restored(model, ema, average) : ParameterEma.of(model, ema);
        this.cache = FeatureCache.plan(config, model, setup.data(), setup.run().resolve("cache"), resumed);
    }

    TrainResult run() {
        try {
            TrainResult result = epochs();
            if (result.finished() && result.bestCheckpoint() != null) {
                evaluateBest(result.bestCheckpoint());
            } else {
                files.flushReport(); // stopped, diverged or no best checkpoint: the epochs' report so far
            }
            return result;
        } finally {
            if (cache != null) {
                cache.close();
            }
        }
    }

    private TrainResult epochs() {
        for (int epoch = state.completedEpochs() + 1; epoch <= config.train().epochs(); epoch++) {
            applyFreezePlan(epoch);
            if (trainEpoch(epoch) instanceof EpochEnd.RunEnds end) {
                return result(end.status(), end.message());
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
        List<String> wanted = setup.plan().frozenAt(epoch);
        List<String> current = setup.plan().frozenIn(model);
        if (!wanted.equals(current)) {
            List<String> released = new ArrayList<>(current);
            released.removeAll(wanted);
            LOG.info("epoch {}: unfreezing {} (lr x{})", epoch, Trainer.describe(released),
                    setup.training().multiplier(released.get(0)));
            model = ModelAssembler.refreeze(model, setup.plan().stages(), wanted, setup.training());
        }
    }

    /** Trains epoch {@code epoch} (from where an interrupted run stopped in it) and validates it. */
    private EpochEnd trainEpoch(int epoch) {
        ClassificationMetrics trainMetrics = new ClassificationMetrics(state.classes());
        boolean continuing = state.midEpoch() && state.completedEpochs() == epoch - 1;
        int startBatch = continuing ? state.batchesDone() : 0;
        if (continuing) {
            trainMetrics.restore(state.partialTrain());
        }
        TailModel tail = cache != null ? cache.tail(model) : null;
        long start = System.nanoTime();
        EpochFitter.Result fit = fit(epoch, tail, startBatch, trainMetrics);
        double seconds = (continuing ? state.partialSeconds() : 0) + (System.nanoTime() - start) / 1e9;
        double lr = setup.training().headLearningRate(Math.max(0, fit.model().getIterationCount() - 1));
        if (tail != null) {
            tail.pushTo(model);
        } else {
            model = fit.model();
        }
        if (fit.diverged()) {
            return new EpochEnd.RunEnds(TrainResult.Status.DIVERGED, String.format(Locale.ROOT,
                    "the loss became %s at epoch %d, batch %d; lower train.optimizer.lr or set train.grad_clip. The "
                            + "last good checkpoint is kept in %s", fit.loss(), epoch, fit.batchesDone(),
                    setup.run().resolve("checkpoints")));
        }
        if (fit.batchesDone() < setup.batchesPerEpoch() && setup.stop().requested()) {
            return stopped(epoch, fit.batchesDone(), trainMetrics, seconds);
        }
        return finish(epoch, lr, trainMetrics.summary(), seconds, tail);
    }

    /** Fits the epoch's batches from {@code startBatch} on with the run's fitter, showing progress. */
    private EpochFitter.Result fit(int epoch, TailModel tail, int startBatch, ClassificationMetrics metrics) {
        ImageBatchIterator trainData = setup.trainData();
        if (cache == null || cache.needsImages(epoch)) {
            trainData.setEpoch(epoch - 1);
        }
        DataSetIterator batches = cache != null ? cache.trainBatches(epoch, trainData) : trainData;
        for (int b = 0; b < startBatch && batches.hasNext(); b++) {
            batches.next(); // same order and augmentation as before the interruption
        }
        String task = String.format(Locale.ROOT, "epoch %d/%d", epoch, config.train().epochs());
        try (Progress progress = Progress.start(task, setup.batchesPerEpoch(), startBatch,
                config.train().logEvery())) {
            return setup.fitter().fit(new EpochFitter.Epoch(tail != null ? tail.graph() : model, epoch, startBatch,
                    setup.batchesPerEpoch(), trainData, batches, metrics, setup.stop(), progress, average));
        }
    }

    /** Saves the position inside the epoch to {@code last.zip} and ends the run as interrupted. */
    private EpochEnd stopped(int epoch, int batchesDone, ClassificationMetrics metrics, double seconds) {
        state = state.stoppedIn(epoch, batchesDone, metrics.state(), seconds);
        checkpoint(files.last());
        return new EpochEnd.RunEnds(TrainResult.Status.INTERRUPTED, setup.stop().reason() + ": stopped "
                + state.position() + "; resume with: graft train --resume " + setup.run().path());
    }

    /** Scores the best checkpoint on val and test after training, and adds that to the report. */
    private void evaluateBest(java.nio.file.Path bestCheckpoint) {
        if (singleLabel()) {
            files.writeReport(state.history(), best.entries(),
                    FinalEvaluation.run(config, setup.data(), bestCheckpoint, setup.run().path()));
        } else {
            TargetFinalEvaluation.run(config, setup.data(), bestCheckpoint, setup.run().path());
            files.writeFinalReport(state.history(), best.entries(), bestCheckpoint);
        }
    }

    private boolean singleLabel() {
        return config.head().problem() == HeadConfig.Problem.SINGLE_LABEL;
    }

    /** Validates the trained epoch, records it and writes its files and checkpoints. */
    private EpochEnd finish(int epoch, double lr, MetricsSummary train, double seconds, TailModel tail) {
        if (!singleLabel()) {
            return finishTargets(epoch, lr, train, seconds, tail);
        }
        Evaluator.Evaluation evaluation = validate(tail);
        Map<String, Double> scores = evaluation.scores();
        if (average != null) { // val_* of the average, the raw weights' next to them
            Evaluator.Evaluation raw = evaluation;
            try (ParameterEma.Swap swap = average.swapInto(tail != null ? tail.graph() : model)) {
                evaluation = validate(tail);
            }
            scores = withRaw(evaluation.scores(), raw.summary().loss(), raw.summary().top1());
        }
        MetricsSummary val = evaluation.summary();
        EpochRecord record = new EpochRecord(epoch, lr, train.loss(), train.top1(), train.topK(), val.loss(),
                val.top1(), val.topK(), val.balancedAccuracy(), val.macroF1(), train.count(), seconds,
                train.count() / Math.max(1e-9, seconds), String.join(" ", setup.plan().frozenIn(model)), scores);
        model.getConfiguration().setEpochCount(epoch);
        LOG.info(String.format(Locale.ROOT, "epoch %d/%d  loss %.4f  top1 %.3f | val loss %.4f  top1 %.3f  "
                        + "top%d %.3f  bal.acc %.3f  auroc %.3f | %.0fs, %.1f img/s", epoch, config.train().epochs(),
                record.trainLoss(), record.trainTop1(), record.valLoss(), record.valTop1(), val.k(),
                record.valTop5(), record.valBalancedAccuracy(), record.metric("val_auroc"), seconds,
                record.imagesPerSecond()) + (average == null ? "" : String.format(Locale.ROOT,
                " | EMA above; raw weights: val loss %.4f  top1 %.3f", record.metric(EpochRecord.RAW_VAL_LOSS),
                record.metric(EpochRecord.RAW_VAL_TOP1))));
        state = earlyStoppingUpdate(state.after(record), record);
        files.writeEpoch(record, val, state.history());
        save(epoch, record, val);
        return new EpochEnd.Trained(record);
    }

    /**
     * A multi-label or regression epoch: validated by {@link TargetEvaluator}; the record has the train and val
     * loss and the head's own metrics, no top-k, balanced accuracy or F1.
     */
    private EpochEnd finishTargets(int epoch, double lr, MetricsSummary train, double seconds, TailModel tail) {
        TargetEvaluator.Evaluation val = validateTargets(tail);
        Map<String, Double> scores = val.scores();
        if (average != null) {
            TargetEvaluator.Evaluation raw = val;
            try (ParameterEma.Swap swap = average.swapInto(tail != null ? tail.graph() : model)) {
                val = validateTargets(tail);
            }
            scores = withRaw(val.scores(), raw.loss(), Double.NaN);
        }
        double none = Double.NaN;
        EpochRecord record = new EpochRecord(epoch, lr, train.loss(), none, none, val.loss(), none, none, none,
                none, train.count(), seconds, train.count() / Math.max(1e-9, seconds),
                String.join(" ", setup.plan().frozenIn(model)), scores);
        model.getConfiguration().setEpochCount(epoch);
        StringBuilder shown = new StringBuilder();
        scores.forEach((k, v) -> shown.append(String.format(Locale.ROOT, "  %s %.4f", k, v)));
        LOG.info(String.format(Locale.ROOT, "epoch %d/%d  loss %.4f | val loss %.4f%s | %.0fs, %.1f img/s", epoch,
                config.train().epochs(), record.trainLoss(), record.valLoss(), shown, seconds,
                record.imagesPerSecond()));
        state = earlyStoppingUpdate(state.after(record), record);
        files.writeEpoch(state.history(), TargetFinalEvaluation.details(val, state.classes()));
        best.offer(epoch, record.metric(config.checkpoint().monitor()), this::checkpoint);
        checkpoint(files.last());
        files.writeReport(state.history(), best.entries());
        return new EpochEnd.Trained(record);
    }

    /** A single-label head's validation of the model in training (its tail when the feature cache splits it). */
    private Evaluator.Evaluation validate(TailModel tail) {
        DataSetIterator valData = setup.data().eval(Split.VAL, config.train().batchSize());
        return tail != null
                ? Evaluator.evaluate(tail.graph(), cache.valBatches(valData), state.classes(), positiveClass)
                : Evaluator.evaluate(model, valData, state.classes(), positiveClass);
    }

    /** A multi-label or regression head's validation of the model in training (or its tail). */
    private TargetEvaluator.Evaluation validateTargets(TailModel tail) {
        DataSetIterator valData = setup.data().eval(Split.VAL, config.train().batchSize());
        TargetScaling scaling = state.targetScaling() == null ? TargetScaling.IDENTITY : state.targetScaling();
        return TargetEvaluator.evaluate(tail != null ? tail.graph() : model,
                tail != null ? cache.valBatches(valData) : valData, config.head().problem(), scaling);
    }

    /** {@code scores} plus the raw weights' validation loss and top-1 (train.ema: val_* are the average's). */
    private static Map<String, Double> withRaw(Map<String, Double> scores, double rawLoss, double rawTop1) {
        Map<String, Double> all = new java.util.LinkedHashMap<>(scores);
        all.put(EpochRecord.RAW_VAL_LOSS, rawLoss);
        all.put(EpochRecord.RAW_VAL_TOP1, rawTop1);
        return all;
    }

    /** The epoch's best checkpoint (when it makes the top), {@code last.zip} and the report. */
    private void save(int epoch, EpochRecord record, MetricsSummary val) {
        boolean isBest = best.offer(epoch, record.metric(config.checkpoint().monitor()), this::checkpoint);
        if (isBest) {
            files.writeBestConfusion(val, epoch);
        }
        checkpoint(files.last());
        files.writeReport(state.history(), best.entries());
    }

    /** Writes the model and state, with the kept best checkpoints and the run's time so far, to {@code file}. */
    private void checkpoint(java.nio.file.Path file) {
        state = state.withBest(best.entries()).withRunSeconds(runSeconds());
        Checkpoints.write(file, model, state, yaml, true, average == null ? null : average.values());
    }

    private double runSeconds() {
        return earlierSeconds + (System.nanoTime() - setup.startNanos()) / 1e9;
    }

    /** The early-stopping counters after {@code record}. */
    private TrainState earlyStoppingUpdate(TrainState s, EpochRecord record) {
        var es = config.train().earlyStopping();
        double value = record.metric(es.monitor());
        double bestSoFar = s.earlyStoppingBest();
        boolean lower = Monitor.lowerIsBetter(es.monitor());
        boolean improved = Double.isNaN(bestSoFar)
                || (lower ? value < bestSoFar - es.minDelta() : value > bestSoFar + es.minDelta());
        return improved ? s.withEarlyStopping(value, 0) : s.withEarlyStopping(bestSoFar, s.badEpochs() + 1);
    }

    private boolean earlyStopping(int epoch) {
        var es = config.train().earlyStopping();
        return es.enabled() && state.badEpochs() >= es.patience() && epoch < config.train().epochs();
    }

    private TrainResult result(TrainResult.Status status, String message) {
        var top = best.entries().isEmpty() ? null : best.entries().get(0);
        return new TrainResult(status, message, state.history(), setup.run().path(),
                top == null ? null : setup.run().resolve("checkpoints").resolve(BestTracker.BEST),
                top == null ? Double.NaN : top.value(), top == null ? 0 : top.epoch(), runSeconds());
    }
}
