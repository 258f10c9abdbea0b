package dev.graft.distributed;

import dev.graft.GraftException;
import dev.graft.config.DistributedConfig;
import dev.graft.config.ExperimentConfig;
import dev.graft.config.Seeds;
import dev.graft.data.DataPipeline;
import dev.graft.data.SampleSpec;
import dev.graft.train.EpochFitter;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code train.distributed.engine: spark}: DL4J's {@link SparkComputationGraph} with a
 * {@link ParameterAveragingTrainingMaster}. An epoch runs in rounds of {@code averaging_frequency} batches:
 * the driver parallelises the round's sample descriptions (one partition per worker, each holding its share of
 * every batch), executors decode them ({@link ExecutorBatches}) and train, and the master averages parameters
 * and optimizer state at the end of the round. Only one round's images are decoded at a time (cached on the
 * executors for DL4J's two passes, then dropped); the driver never decodes training images.
 */
final class SparkEpochFitter implements EpochFitter {
    private static final Logger LOG = LoggerFactory.getLogger(SparkEpochFitter.class);

    private final ExperimentConfig config;
    private final DataPipeline data;
    private final JavaSparkContext spark;
    private final int workers;
    private final int averagingFrequency;
    private final ExecutorBatches decode;
    private final TallyAccumulator tally;
    private final ParameterAveragingTrainingMaster master;

    SparkEpochFitter(ExperimentConfig config, DataPipeline data) {
        this.config = config;
        this.data = data;
        DistributedConfig d = config.train().distributed();
        this.spark = SparkContexts.open(config.name(), d.master());
        try {
            int batchSize = config.train().batchSize();
            this.workers = d.workers() > 0 ? d.workers() : spark.defaultParallelism();
            if (workers > batchSize) {
                throw new GraftException("Spark has " + workers + " workers but train.batch_size is " + batchSize
                        + ": set train.distributed.workers (<= batch_size) or a larger batch_size");
            }
            this.averagingFrequency = d.averagingFrequency();
            int perWorker = (batchSize + workers - 1) / workers;
            this.decode = new ExecutorBatches(data, config.train().labelSmoothing());
            this.tally = new TallyAccumulator(data.classes());
            spark.sc().register(tally, "graft training metrics");
            this.master = new ParameterAveragingTrainingMaster.Builder(workers, perWorker)
                    .batchSizePerWorker(perWorker)
                    .averagingFrequency(averagingFrequency)
                    .workerPrefetchNumBatches(2)
                    .saveUpdater(true)
                    .rddTrainingApproach(RDDTrainingApproach.Direct)
                    .repartionData(Repartition.Never)
                    .storageLevel(null) // each round's batches are persisted here, and unpersisted after it
                    .collectTrainingStats(false)
                    .rngSeed(Seeds.derive(config.seed(), "spark"))
                    .build();
            LOG.info("Spark {}: {} workers, {} images each per batch, averaging every {} batches",
                    spark.master(), workers, perWorker, averagingFrequency);
        } catch (RuntimeException e) {
            spark.close();
            throw e;
        }
    }

    @Override
    public Result fit(Epoch epoch) {
        ComputationGraph model = epoch.model();
        List<SampleSpec> samples = SampleSpec.trainEpoch(data, config.seed(), epoch.number() - 1);
        SparkComputationGraph net = new SparkComputationGraph(spark, model, master);
        net.setListeners(List.of(new WorkerMetrics(data.classes(), new TallyAccumulator.Sink(tally))));
        int batchSize = config.train().batchSize();
        int total = Math.min(epoch.totalBatches(), (samples.size() + batchSize - 1) / batchSize);
        int firstIteration = model.getIterationCount();
        int done = epoch.startBatch();
        double loss = 0; // as in-process: a fit that trained no round (Spark gave up on the first) did not diverge
        while (done < total) {
            int end = Math.min(total, done + averagingFrequency);
            JavaRDD<DataSet> round = spark.parallelize(shares(samples, batchSize, done, end), workers)
                    .flatMap(decode)
                    .persist(StorageLevel.MEMORY_AND_DISK_SER());
            tally.reset();
            try {
                net.fit(round);
            } catch (Exception e) { // Scala's SparkException is checked in Java's eyes, and not declared
                if (!(e instanceof SparkException)) {
                    throw e;
                }
                epoch.requestStop(gaveUp(done, end, (SparkException) e));
                break;
            } finally {
                round.unpersist(false);
            }
            TrainTally counts = tally.value();
            counts.addTo(epoch.metrics());
            loss = counts.meanLoss();
            epoch.advance(end - done, counts.count(), loss);
            done = end;
            // One step per batch, as in-process: DL4J counts averaging_frequency per round, short rounds included.
            model.getConfiguration().setIterationCount(firstIteration + done - epoch.startBatch());
            if (!Double.isFinite(loss) || (done < total && epoch.stopRequested())) {
                break;
            }
        }
        return new Result(model, done, loss);
    }

    /**
     * Why the run stops when Spark aborted a round's job (after {@code spark.task.maxFailures} failures of a task,
     * or a lost cluster): the round's parameters were never averaged into the model, so the run can resume from
     * the round's start. Spark's first line names the task, the executor and the cause.
     */
    private String gaveUp(int from, int to, SparkException e) {
        String cause = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
        LOG.debug("Spark job failure", e);
        return "Spark gave up on the round of batches " + (from + 1) + "-" + to + " (" + cause + "); the executors'"
                + " logs (stderr in each worker's work/APP/EXECUTOR folder) say more";
    }

    /**
     * Batches {@code [from, to)} of the epoch as one list per worker: worker {@code w} gets the {@code w}-th
     * near-equal slice of every batch, in batch order.
     */
    private List<List<List<SampleSpec>>> shares(List<SampleSpec> samples, int batchSize, int from, int to) {
        List<List<List<SampleSpec>>> perWorker = new ArrayList<>(workers);
        for (int w = 0; w < workers; w++) {
            perWorker.add(new ArrayList<>());
        }
        for (int b = from; b < to; b++) {
            List<SampleSpec> batch = samples.subList(b * batchSize, Math.min(samples.size(), (b + 1) * batchSize));
            int start = 0;
            for (int w = 0; w < workers; w++) {
                int size = batch.size() / workers + (w < batch.size() % workers ? 1 : 0);
                if (size > 0) {
                    perWorker.get(w).add(new ArrayList<>(batch.subList(start, start + size)));
                }
                start += size;
            }
        }
        return perWorker;
    }

    @Override
    public void close() {
        spark.close();
    }
}
