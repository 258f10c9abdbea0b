package dev.graft.distributed;

import dev.graft.data.ImageBatchIterator;
import dev.graft.train.EpochFitter;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.DoubleSupplier;

/**
 * Feeds ParallelWrapper one training batch per round: each {@code train.batch_size} batch of the epoch is split
 * into {@code workers} near-equal parts, which ParallelWrapper hands to its workers together. Between rounds it
 * reports progress and, when a stop is requested, ends the epoch at the next averaging (every
 * {@code averagingFrequency} rounds), so the model it leaves holds every worker's updates.
 */
final class RoundIterator implements DataSetIterator {
    private static final long serialVersionUID = 1L;

    private final transient EpochFitter.Epoch epoch;
    private final transient ImageBatchIterator source;
    private final transient DoubleSupplier loss;
    private final int workers;
    private final int averagingFrequency;
    private final DataSetPreProcessor labels;
    private final ArrayDeque<DataSet> parts = new ArrayDeque<>();
    private int rounds;
    private int reported;
    private long roundImages;
    private boolean stopped;

    /** @param loss the training loss so far, for progress lines */
    RoundIterator(EpochFitter.Epoch epoch, int workers, int averagingFrequency, DataSetPreProcessor labels,
                  DoubleSupplier loss) {
        this.epoch = epoch;
        this.source = epoch.trainData();
        this.loss = loss;
        this.workers = workers;
        this.averagingFrequency = averagingFrequency;
        this.labels = labels;
    }

    /** Rounds (batches) trained so far in this call. */
    int completed() {
        return rounds;
    }

    /** Reports the rounds not yet reported (call once ParallelWrapper returned). */
    void finish() {
        reportFinishedRound();
    }

    /**
     * ParallelWrapper asks this both after taking a round's last part (before training it) and before the next
     * round (after training), so it must not load anything: the next batch is loaded by {@link #next()}.
     */
    @Override
    public boolean hasNext() {
        if (!parts.isEmpty()) {
            return true;
        }
        if (stopped || !source.hasNext()) {
            return false;
        }
        if (epoch.stopRequested() && rounds % averagingFrequency == 0) {
            stopped = true; // ParallelWrapper averages after this round: every worker's updates are kept
            return false;
        }
        return true;
    }

    @Override
    public DataSet next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the epoch is done");
        }
        if (parts.isEmpty()) {
            reportFinishedRound(); // ParallelWrapper asks for a new round only once the last one is trained
            DataSet batch = source.next();
            labels.preProcess(batch);
            roundImages = batch.numExamples();
            parts.addAll(split(batch, workers));
            rounds++;
        }
        return parts.poll();
    }

    private void reportFinishedRound() {
        if (reported < rounds) {
            epoch.advance(rounds - reported, roundImages, loss.getAsDouble());
            reported = rounds;
        }
    }

    /**
     * {@code batch} as {@code n} parts whose sizes differ by at most one (fewer when it has fewer rows), each with
     * its rows of the labels mask (a multi-label head's unknown labels).
     */
    static List<DataSet> split(DataSet batch, int n) {
        int rows = batch.numExamples();
        List<DataSet> out = new ArrayList<>(n);
        int start = 0;
        for (int i = 0; i < n; i++) {
            int size = rows / n + (i < rows % n ? 1 : 0);
            if (size == 0) {
                continue;
            }
            INDArray mask = batch.getLabelsMaskArray();
            out.add(new DataSet(rows(batch.getFeatures(), start, start + size),
                    rows(batch.getLabels(), start, start + size), null,
                    mask == null ? null : rows(mask, start, start + size)));
            start += size;
        }
        return out;
    }

    private static INDArray rows(INDArray array, int from, int to) {
        return array.get(NDArrayIndex.interval(from, to)).dup();
    }

    @Override
    public DataSet next(int num) {
        return next();
    }

    @Override
    public int inputColumns() {
        return source.inputColumns();
    }

    @Override
    public int totalOutcomes() {
        return source.totalOutcomes();
    }

    @Override
    public boolean resetSupported() {
        return false;
    }

    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public void reset() {
        throw new UnsupportedOperationException("one epoch per iterator");
    }

    @Override
    public int batch() {
        return Math.max(1, source.batch() / workers);
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        throw new UnsupportedOperationException("label smoothing is the only preprocessing");
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return null;
    }

    @Override
    public List<String> getLabels() {
        return source.getLabels();
    }
}
