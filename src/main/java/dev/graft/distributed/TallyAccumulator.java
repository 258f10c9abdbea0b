package dev.graft.distributed;

import org.apache.spark.util.AccumulatorV2;

import java.io.Serial;
import java.util.List;

/**
 * A Spark accumulator of {@link TrainTally}s: each task's workers add their batches' counts, and Spark merges
 * the finished tasks' copies into the driver's instance (a retried task's partial counts are not merged).
 */
final class TallyAccumulator extends AccumulatorV2<TrainTally, TrainTally> {
    @Serial
    private static final long serialVersionUID = 1L;

    private final List<String> classes;
    private TrainTally tally;

    TallyAccumulator(List<String> classes) {
        this.classes = List.copyOf(classes);
        this.tally = new TrainTally(this.classes);
    }

    @Override
    public boolean isZero() {
        return tally.count() == 0 && Double.isNaN(tally.meanLoss());
    }

    @Override
    public AccumulatorV2<TrainTally, TrainTally> copy() {
        TallyAccumulator copy = new TallyAccumulator(classes);
        copy.tally.merge(tally);
        return copy;
    }

    @Override
    public void reset() {
        tally = new TrainTally(classes);
    }

    @Override
    public void add(TrainTally batch) {
        tally.merge(batch);
    }

    @Override
    public void merge(AccumulatorV2<TrainTally, TrainTally> other) {
        tally.merge(other.value());
    }

    @Override
    public TrainTally value() {
        return tally;
    }

    /** Sends each batch's counts to a task's copy of the accumulator. */
    static final class Sink implements WorkerMetrics.Sink {
        @Serial
        private static final long serialVersionUID = 1L;

        private final TallyAccumulator accumulator;

        Sink(TallyAccumulator accumulator) {
            this.accumulator = accumulator;
        }

        @Override
        public void accept(TrainTally batch) {
            accumulator.add(batch);
        }
    }
}
