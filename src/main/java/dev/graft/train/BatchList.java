package dev.graft.train;

import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.util.List;

/** Ready-made batches, handed out in order as they are (the feature cache's replayed epochs). */
class BatchList implements DataSetIterator {
    private final List<DataSet> batches;
    private int cursor;

    BatchList(List<DataSet> batches) {
        this.batches = List.copyOf(batches);
    }

    @Override
    public boolean hasNext() {
        return cursor < batches.size();
    }

    @Override
    public DataSet next() {
        return batches.get(cursor++);
    }

    @Override
    public DataSet next(int num) {
        return next();
    }

    @Override
    public void reset() {
        cursor = 0;
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public int inputColumns() {
        return batches.isEmpty() ? 0 : (int) batches.get(0).getFeatures().length() / batches.get(0).numExamples();
    }

    @Override
    public int totalOutcomes() {
        return batches.isEmpty() ? 0 : (int) batches.get(0).getLabels().size(1);
    }

    @Override
    public int batch() {
        return batches.isEmpty() ? 0 : batches.get(0).numExamples();
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        throw new UnsupportedOperationException("cached batches are already preprocessed");
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return null;
    }

    @Override
    public List<String> getLabels() {
        return null;
    }
}
