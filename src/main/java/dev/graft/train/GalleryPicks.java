package dev.graft.train;

import dev.graft.metrics.LabelScores;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Which images of a scored split the report's galleries show (issue 18): the most confident mistakes, the
 * highest-loss images and a few confidently correct images per class; for a multi-label head the highest-loss
 * images. Ties keep file order, so a gallery is the same on every machine.
 */
final class GalleryPicks {
    private GalleryPicks() {
    }

    /** Wrongly decided rows, the most probable wrong answer first. */
    static List<PredictionsFile.Labelled> confidentMistakes(List<PredictionsFile.Labelled> rows, int limit) {
        return rows.stream().filter(r -> !r.correct())
                .sorted(Comparator.comparingDouble((PredictionsFile.Labelled r) -> -r.probabilities()[r.decided()]))
                .limit(limit).toList();
    }

    /** The rows with the largest log loss of their true class, largest first. */
    static List<PredictionsFile.Labelled> highestLoss(List<PredictionsFile.Labelled> rows, int limit) {
        return rows.stream().sorted(Comparator.comparingDouble((PredictionsFile.Labelled r) -> -r.loss()))
                .limit(limit).toList();
    }

    /**
     * Per class (of the first {@code classes} with correct answers, in class order), the {@code perClass}
     * correctly decided rows with the highest probability of their class.
     */
    static List<PredictionsFile.Labelled> confidentCorrect(List<PredictionsFile.Labelled> rows, int perClass,
                                                           int classes) {
        List<PredictionsFile.Labelled> out = new ArrayList<>();
        int shown = 0;
        int classCount = rows.isEmpty() ? 0 : rows.get(0).probabilities().length;
        for (int c = 0; c < classCount && shown < classes; c++) {
            int cls = c;
            List<PredictionsFile.Labelled> best = rows.stream().filter(r -> r.correct() && r.label() == cls)
                    .sorted(Comparator.comparingDouble((PredictionsFile.Labelled r) -> -r.probabilities()[cls]))
                    .limit(perClass).toList();
            out.addAll(best);
            shown += best.isEmpty() ? 0 : 1;
        }
        return out;
    }

    /** Multi-label: the rows with the largest summed binary cross-entropy over their known labels. */
    static List<Integer> highestLoss(LabelScores scores, int limit) {
        return IntStream.range(0, scores.size()).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -loss(scores, i))).limit(limit).toList();
    }

    /** Summed binary cross-entropy of row {@code i} over its known labels. */
    static double loss(LabelScores scores, int i) {
        double sum = 0;
        for (int j = 0; j < scores.labels(); j++) {
            sum += labelLoss(scores, i, j);
        }
        return sum;
    }

    /** The label that contributes most to row {@code i}'s loss: the one its picture explains. */
    static int worstLabel(LabelScores scores, int i) {
        int worst = 0;
        for (int j = 1; j < scores.labels(); j++) {
            worst = labelLoss(scores, i, j) > labelLoss(scores, i, worst) ? j : worst;
        }
        return worst;
    }

    /** One label's binary cross-entropy; 0 where the label is unknown (the loss ignores it too). */
    private static double labelLoss(LabelScores scores, int i, int j) {
        float y = scores.targets()[i][j];
        if (Float.isNaN(y)) {
            return 0;
        }
        double p = Math.min(Math.max(scores.probabilities()[i][j], 1e-12), 1 - 1e-12);
        return -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
    }

    /** Regression: the rows with the largest absolute error, largest first. */
    static List<Integer> largestErrors(dev.graft.metrics.RegressionMetrics.Values v, int limit) {
        return IntStream.range(0, v.actual().length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -Math.abs(v.predicted()[i] - v.actual()[i])))
                .limit(limit).toList();
    }
}
