package dev.graft.distributed;

import dev.graft.train.LabelSmoothing;

import dev.graft.config.ExperimentConfig;
import dev.graft.train.EpochFitter;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code train.devices: N}: N data-parallel workers on this machine with DL4J's {@link ParallelWrapper} in
 * parameter-averaging mode — one per GPU with the CUDA build (ND4J spreads workers over the devices), or N
 * threads sharing the CPU. Every round, each worker trains on its share of one {@code train.batch_size} batch;
 * parameters and optimizer state are averaged every {@code train.distributed.averaging_frequency} rounds.
 * The model object is updated in place (it is ParallelWrapper's first worker).
 */
final class ParallelEpochFitter implements EpochFitter {
    private static final Logger LOG = LoggerFactory.getLogger(ParallelEpochFitter.class);

    private final int devices;
    private final int averagingFrequency;
    private final double labelSmoothing;
    private final List<String> classes;

    ParallelEpochFitter(ExperimentConfig config, List<String> classes) {
        this.devices = config.train().devices();
        this.averagingFrequency = config.train().distributed().averagingFrequency();
        this.labelSmoothing = config.train().labelSmoothing();
        this.classes = List.copyOf(classes);
        LOG.info("ParallelWrapper: {} workers, {} images each per batch, averaging every {} batches", devices,
                (config.train().batchSize() + devices - 1) / devices, averagingFrequency);
    }

    @Override
    public Result fit(Epoch epoch) {
        ComputationGraph model = epoch.model();
        List<TrainingListener> saved = new ArrayList<>(model.getListeners());
        TrainTally total = new TrainTally(classes);
        model.setListeners(new WorkerMetrics(classes, batch -> {
            synchronized (total) {
                total.merge(batch);
            }
        }));
        RoundIterator rounds = new RoundIterator(epoch, devices, averagingFrequency,
                new LabelSmoothing(labelSmoothing), () -> {
                    synchronized (total) {
                        return total.meanLoss();
                    }
                });
        // The builder moves the model's listeners to every worker (shared: WorkerMetrics is thread-safe).
        ParallelWrapper wrapper = new ParallelWrapper.Builder<>(model)
                .workers(devices)
                .prefetchBuffer(0)
                .averagingFrequency(averagingFrequency)
                .averageUpdaters(true)
                .reportScoreAfterAveraging(false)
                .trainingMode(ParallelWrapper.TrainingMode.AVERAGING)
                .build();
        try {
            wrapper.fit(rounds);
        } finally {
            wrapper.shutdown();
            model.setListeners(saved);
        }
        rounds.finish();
        synchronized (total) {
            total.addTo(epoch.metrics());
            return new Result(model, epoch.startBatch() + rounds.completed(), total.meanLoss());
        }
    }

    @Override
    public void close() {
        // ParallelWrapper's threads end with each fit.
    }
}
