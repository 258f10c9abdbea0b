package dev.graft.train;

import com.fasterxml.jackson.databind.MappingIterator;
import dev.graft.GraftException;
import dev.graft.run.RunDirectory;
import dev.graft.metrics.LabelScores;
import dev.graft.metrics.RegressionMetrics;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code <split>-predictions.csv} that final evaluation wrote ({@link SplitResultFiles},
 * {@link TargetFinalEvaluation}), read back for the report: the header and the rows as cells. The report reads the
 * file rather than the in-memory scores so that what it shows is what a user finds in the run folder.
 *
 * @param header the column names
 * @param rows   one cell array per image, in file order
 */
record PredictionsFile(List<String> header, List<String[]> rows) {
    /**
     * One single-label row: {@code label} the true class, {@code decided} the class inference answers (a binary
     * task's decision at its threshold, else the most probable class), {@code probabilities} per class.
     */
    record Labelled(int row, String path, int label, int decided, double[] probabilities) {
        /** The log loss of the true class, the loss the gallery ranks by. */
        double loss() {
            return -Math.log(Math.max(probabilities[label], 1e-12));
        }

        boolean correct() {
            return label == decided;
        }
    }

    /** Reads {@code csv}; a file that cannot be read is an error naming it. */
    static PredictionsFile read(Path csv) {
        List<String[]> records;
        try (MappingIterator<String[]> it = RunDirectory.predictionRows(csv)) {
            records = it.readAll();
        } catch (IOException e) {
            throw new GraftException("cannot read " + csv + ": " + e.getMessage(), e);
        }
        if (records.isEmpty()) {
            throw new GraftException(csv + " is empty; it should start with a header row");
        }
        return new PredictionsFile(List.of(records.get(0)), records.subList(1, records.size()));
    }

    int size() {
        return rows.size();
    }

    String path(int row) {
        return rows.get(row)[0];
    }

    /** The names after {@code prefix} of the columns starting with it ({@code p_} gives the classes). */
    List<String> suffixes(String prefix) {
        return header.stream().filter(c -> c.startsWith(prefix)).map(c -> c.substring(prefix.length())).toList();
    }

    /** The rows of a single-label file ({@code path,label,predicted,p_<class>...[,decision]}). */
    List<Labelled> labelled() {
        List<String> classes = suffixes("p_");
        int first = header.indexOf("p_" + classes.get(0));
        int decision = header.indexOf("decision");
        int decidedColumn = decision >= 0 ? decision : header.indexOf("predicted");
        List<Labelled> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            String[] r = rows.get(i);
            double[] p = new double[classes.size()];
            for (int c = 0; c < p.length; c++) {
                p[c] = Double.parseDouble(r[first + c]);
            }
            out.add(new Labelled(i, r[0], classes.indexOf(r[header.indexOf("label")]),
                    classes.indexOf(r[decidedColumn]), p));
        }
        return out;
    }

    /** A multi-label file's targets (NaN for an empty, unknown cell) and probabilities. */
    LabelScores labelScores() {
        List<String> labels = suffixes("p_");
        int y = header.indexOf("y_" + labels.get(0));
        int p = header.indexOf("p_" + labels.get(0));
        double[][] probabilities = new double[rows.size()][labels.size()];
        float[][] targets = new float[rows.size()][labels.size()];
        for (int i = 0; i < rows.size(); i++) {
            for (int j = 0; j < labels.size(); j++) {
                String t = rows.get(i)[y + j];
                targets[i][j] = t.isEmpty() ? Float.NaN : Float.parseFloat(t);
                probabilities[i][j] = Double.parseDouble(rows.get(i)[p + j]);
            }
        }
        return new LabelScores(probabilities, targets);
    }

    /** A regression file's targets and predictions, in the target's units. */
    RegressionMetrics.Values values() {
        int t = header.indexOf("target");
        int p = header.indexOf("predicted");
        double[] actual = rows.stream().mapToDouble(r -> Double.parseDouble(r[t])).toArray();
        double[] predicted = rows.stream().mapToDouble(r -> Double.parseDouble(r[p])).toArray();
        return new RegressionMetrics.Values(predicted, actual);
    }
}
