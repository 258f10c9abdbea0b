/**
 * Training on more than one worker, with DL4J's own engines: {@code train.devices: N} runs N data-parallel
 * workers on this machine with {@code ParallelWrapper} ({@link dev.graft.distributed.ParallelEpochFitter}), and
 * {@code train.distributed.engine: spark} trains on a Spark cluster with {@code SparkComputationGraph} and
 * {@code ParameterAveragingTrainingMaster} ({@link dev.graft.distributed.SparkEpochFitter}).
 *
 * <p>Both implement {@link dev.graft.train.EpochFitter}, as the in-process fitter does: the trainer builds the model,
 * validates, checkpoints and reports as for a single-process run and only hands each epoch's fitting to them.
 * Every step trains one {@code train.batch_size} batch split evenly over the workers, and parameters (and
 * optimizer state) are averaged every {@code train.distributed.averaging_frequency} steps. Training metrics come
 * from the workers' own forward passes ({@link dev.graft.distributed.WorkerMetrics}); on Spark they travel back
 * in an accumulator.
 *
 * <p>On Spark the driver ships sample descriptions ({@link dev.graft.data.SampleSpec}: path, label, seed), not
 * pixels, and the transform as a {@link dev.graft.data.TransformSpec} (the augmentation records themselves, Java
 * serialised); executors decode with the same transform as a local run ({@link dev.graft.data.BatchDecoder}).
 *
 * <p>May use {@code dev.graft.config}, {@code data}, {@code model}, {@code train}, {@code metrics} and {@code run};
 * only {@code cli} uses it ({@link dev.graft.distributed.DistributedTraining#fitters()}).
 */
package dev.graft.distributed;
