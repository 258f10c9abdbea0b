package dev.graft.train;

import dev.graft.config.ExperimentConfig;
import dev.graft.config.Seeds;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits an epoch in the trainer's thread, one batch at a time. Deterministic: before each batch ND4J is
 * reseeded from the run's seed and the global step, so a resumed run draws the same dropout masks as an
 * uninterrupted one. Train-set predictions come from the training forward pass ({@link TrainPredictions}).
 * With {@code train.accumulate: K}, K consecutive batches make one update ({@link GradientAccumulation}); the
 * last update of an epoch takes what is left.
 */
final class InProcessFitter implements EpochFitter {
    private static final Logger LOG = LoggerFactory.getLogger(InProcessFitter.class);

    private final long seed;
    private final LabelSmoothing smoothing;
    private final int accumulate;

    InProcessFitter(ExperimentConfig config) {
        this.seed = config.seed();
        this.accumulate = config.train().accumulate();
        this.smoothing = new LabelSmoothing(config.train().labelSmoothing());
    }

    @Override
    public Result fit(Epoch epoch) {
        ComputationGraph graph = epoch.model();
        TrainPredictions predictions = new TrainPredictions(graph);
        GradientAccumulation accumulation = new GradientAccumulation();
        if (epoch.average() != null) {
            graph.setListeners(predictions, accumulation, epoch.average());
        } else {
            graph.setListeners(predictions, accumulation);
        }
        DataSetIterator batches = epoch.batches();
        int done = epoch.startBatch();
        double loss = 0;
        // An update is never split by a stop request: a resumed run starts on an update's first micro-batch.
        while (batches.hasNext() && (accumulation.pending() || !epoch.stopRequested())) {
            DataSet ds = batches.next();
            int step = graph.getIterationCount();
            int micro = done % accumulate;
            Nd4j.getRandom().setSeed(micro == 0 ? Seeds.derive(seed, "step-" + step)
                    : Seeds.derive(seed, "step-" + step + "-micro-" + micro));
            int[] labels = Evaluator.labels(ds);
            smoothing.preProcess(ds);
            predictions.expect(epoch.metrics(), labels);
            // DL4J's score adds the weight-decay/L2 penalty (with the parameters before this step's update):
            // train_loss is the data loss alone, defined as val_loss is.
            double penalty = graph.calcRegularizationScore(true);
            boolean lastOfUpdate = micro == accumulate - 1 || !batches.hasNext();
            if (lastOfUpdate) {
                accumulation.update(graph, ds);
                loss = graph.score() - penalty;
            } else {
                loss = accumulation.accumulate(graph, ds) - penalty;
            }
            done++;
            if (!Double.isFinite(loss)) {
                break;
            }
            LOG.debug("epoch {} batch {} (step {}): loss {}", epoch.number(), done, step, loss);
            epoch.metrics().addLoss(loss * labels.length, labels.length);
            epoch.advance(1, labels.length, loss);
        }
        graph.setListeners();
        return new Result(graph, done, loss);
    }

    @Override
    public void close() {
        // nothing held between epochs
    }
}
