package dev.graft.data;

import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;

import java.util.ArrayList;
import java.util.List;

/**
 * A DL4J preprocessor for batches of multi-label or regression targets that hold NaN for an unknown label (as
 * {@link GraftRecordReader}'s records do): the label becomes 0 and its labels-mask cell 0, so it adds nothing to
 * the loss, exactly as {@link BatchTargets} builds Graft's own batches. A batch without NaN is left unmasked.
 */
public final class UnknownTargetMask implements DataSetPreProcessor {
    @Override
    public void preProcess(DataSet batch) {
        float[][] labels = batch.getLabels().toFloatMatrix();
        List<float[]> rows = new ArrayList<>(List.of(labels));
        int outputs = labels.length == 0 ? 0 : labels[0].length;
        BatchTargets targets = BatchTargets.targets(rows, outputs);
        batch.setLabels(targets.labels());
        batch.setLabelsMaskArray(targets.mask());
    }
}
