package dev.graft.train;

import dev.graft.GraftException;
import dev.graft.config.DistributedConfig;
import dev.graft.config.ExperimentConfig;
import dev.graft.data.DataPipeline;
import dev.graft.data.ImageBatchIterator;
import dev.graft.metrics.ClassificationMetrics;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * Fits the training part of an epoch: in the trainer's own thread ({@link #inProcess}), on data-parallel
 * workers of this machine ({@code train.devices > 1}) or on a Spark cluster ({@code train.distributed.engine:
 * spark}). The {@link Trainer} keeps everything else — model assembly, freezing and unfreezing, validation,
 * metrics files, checkpoints, early stopping and the report — so a run folder looks the same whichever fits.
 *
 * <p>The workers' implementations live in {@code dev.graft.distributed}; the trainer gets its fitter through a
 * {@link Factory}.
 */
public interface EpochFitter extends AutoCloseable {

    /**
     * Trains {@code epoch.model()} on the epoch's training batches from {@code epoch.startBatch()} on, adds the
     * training predictions and losses to {@code epoch.metrics()}, reports progress with {@link Epoch#advance},
     * and returns early (with fewer batches done) when {@link Epoch#stopRequested()} or the loss diverges.
     */
    Result fit(Epoch epoch);

    /** Releases the workers (threads, a Spark context). */
    @Override
    void close();

    /** Chooses the fitter of a run. */
    @FunctionalInterface
    interface Factory {
        /** In-process training only: refuses configs that ask for workers (they need {@code dev.graft.distributed}). */
        Factory IN_PROCESS = (config, data) -> {
            if (distributed(config)) {
                throw GraftException.usage("this command trains in-process only; set train.devices: 1 and "
                        + "train.distributed.engine: none, or use graft train");
            }
            return inProcess(config);
        };

        /** The fitter for {@code config}. Called once per run. */
        EpochFitter create(ExperimentConfig config, DataPipeline data);
    }

    /** Fits in the calling thread, batch by batch (what {@code train.devices: 1} without Spark does). */
    static EpochFitter inProcess(ExperimentConfig config) {
        return new InProcessFitter(config);
    }

    /** True when {@code config} asks for ParallelWrapper workers or Spark. */
    static boolean distributed(ExperimentConfig config) {
        return config.train().devices() > 1
                || config.train().distributed().engine() != DistributedConfig.Engine.NONE;
    }

    /**
     * What a fit did.
     *
     * @param model       the trained model (normally the same instance, updated in place)
     * @param batchesDone batches of the epoch done, counting those before {@code startBatch}; fewer than the
     *                    epoch's when it stopped early
     * @param loss        the training loss of the last step or steps (NaN or infinite: diverged)
     */
    record Result(ComputationGraph model, int batchesDone, double loss) {
        /** True when the loss became NaN or infinite. */
        public boolean diverged() {
            return !Double.isFinite(loss);
        }
    }

    /** One epoch's fitting job: the model, the epoch's batches, and where results and progress go. */
    final class Epoch {
        private final ComputationGraph model;
        private final int number;
        private final int startBatch;
        private final int totalBatches;
        private final ImageBatchIterator trainData;
        private final DataSetIterator batches;
        private final ClassificationMetrics metrics;
        private final StopSignal stop;
        private final Progress progress;
        private final ParameterEma average;

        Epoch(ComputationGraph model, int number, int startBatch, int totalBatches, ImageBatchIterator trainData,
              DataSetIterator batches, ClassificationMetrics metrics, StopSignal stop, Progress progress) {
            this(model, number, startBatch, totalBatches, trainData, batches, metrics, stop, progress, null);
        }

        Epoch(ComputationGraph model, int number, int startBatch, int totalBatches, ImageBatchIterator trainData,
              DataSetIterator batches, ClassificationMetrics metrics, StopSignal stop, Progress progress,
              ParameterEma average) {
            this.average = average;
            this.model = model;
            this.number = number;
            this.startBatch = startBatch;
            this.totalBatches = totalBatches;
            this.trainData = trainData;
            this.batches = batches;
            this.metrics = metrics;
            this.stop = stop;
            this.progress = progress;
        }

        /**
         * The model to train (fitters update it in place and return it): the whole model, or for an in-process
         * fit with frozen leading stages only its trainable tail ({@link FeatureCache}).
         */
        public ComputationGraph model() {
            return model;
        }

        /** The weight average to update after every optimizer step (train.ema; in-process only), or null. */
        ParameterEma average() {
            return average;
        }

        /** The epoch, 1-based. */
        public int number() {
            return number;
        }

        /** The first batch to train (non-zero when a run resumes mid-epoch). */
        public int startBatch() {
            return startBatch;
        }

        /** Batches of {@code train.batch_size} images in the epoch. */
        public int totalBatches() {
            return totalBatches;
        }

        /** The epoch's training batches, positioned at {@link #startBatch()}; decoding on this machine. */
        public ImageBatchIterator trainData() {
            return trainData;
        }

        /**
         * The batches {@link #model()} trains on, positioned at {@link #startBatch()}: {@link #trainData()} itself,
         * or the frozen front's output for those images (computed on the way or replayed from the feature cache).
         */
        public DataSetIterator batches() {
            return batches;
        }

        /** Where training predictions and losses go (train top-1/top-k and loss of the epoch's record). */
        public ClassificationMetrics metrics() {
            return metrics;
        }

        /** Reports {@code batches} more batches done, holding {@code images} images, at loss {@code loss}. */
        public void advance(int batches, long images, double loss) {
            for (int i = 0; i < batches; i++) {
                long share = images / batches + (i < images % batches ? 1 : 0);
                progress.step((int) share, loss);
                stop.batchDone();
            }
        }

        /**
         * Ends the run after this fit as stopped, for {@code why} (a fitter that cannot go on, e.g. Spark gave up
         * on a round): the trainer writes {@code last.zip} at the batches done and says how to resume.
         */
        public void requestStop(String why) {
            stop.request(why);
        }

        /** True once Ctrl-C, SIGTERM or a batch budget asked the run to stop. */
        public boolean stopRequested() {
            return stop.requested();
        }
    }
}
