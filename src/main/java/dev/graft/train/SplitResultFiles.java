package dev.graft.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.graft.run.RunDirectory;
import dev.graft.AtomicFiles;
import dev.graft.GraftException;
import dev.graft.metrics.ClassStats;
import dev.graft.metrics.MetricsSummary;
import dev.graft.metrics.ProbabilityMetrics;
import dev.graft.metrics.ThresholdStats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files of a scored split: {@code <split>-metrics.json} (argmax metrics, threshold-free metrics, calibration,
 * a binary task's operating point, per class precision/recall/F1/AUC, the confusion matrix) and
 * {@code <split>-predictions.csv} ({@code path,label,predicted,p_<class>...}: the most probable class and every
 * class's probability, calibrated; binary tasks add {@code decision}, the class at the threshold).
 * An undefined value (AUROC of a class that is absent) is written as JSON {@code null}.
 */
final class SplitResultFiles {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SplitResultFiles() {
    }

    /** Writes both files of {@code split} into {@code folder}; returns the metrics file. */
    static Path write(ScoredSplit split, Path checkpoint, Path folder) {
        Path metrics = folder.resolve(split.split().id() + "-metrics.json");
        write(metrics, json(split, checkpoint));
        writePredictions(split, RunDirectory.predictionsCsv(folder, split.split().id()));
        return metrics;
    }

    static void writePredictions(ScoredSplit split, Path csv) {
        writeText(csv, predictionsCsv(split));
    }

    static void write(Path file, Map<String, Object> json) {
        try {
            writeText(file, JSON.writeValueAsString(json) + "\n");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot render " + file.getFileName(), e);
        }
    }

    /** Writes {@code text} to {@code file} atomically; a failure is a GraftException naming the file. */
    static void writeText(Path file, String text) {
        try {
            AtomicFiles.writeString(file, text);
        } catch (IOException e) {
            throw new GraftException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The contents of {@code <split>-metrics.json}. */
    static Map<String, Object> json(ScoredSplit split, Path checkpoint) {
        MetricsSummary m = split.evaluation().summary();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("split", split.split().id());
        out.put("checkpoint", checkpoint == null ? null : checkpoint.toString());
        out.put("epoch", split.rule().checkpointEpoch());
        out.put("count", m.count());
        out.put("classes", split.classes());
        out.put("top1", value(m.top1()));
        out.put("top" + m.k(), value(m.topK()));
        out.put("balanced_accuracy", value(m.balancedAccuracy()));
        out.put("macro_f1", value(m.macroF1()));
        out.put("loss", value(m.loss()));
        ProbabilityMetrics.NAMES.forEach(n -> out.put(n, value(split.score(n))));
        out.put("ece_uncalibrated", value(split.eceBefore()));
        out.put("temperature", split.rule().temperature());
        if (split.rule().binary()) {
            ThresholdStats s = split.atThreshold();
            out.put("positive_class", split.rule().positiveClass());
            out.put("operating_point", split.rule().operatingPoint());
            out.put("threshold", value(split.rule().threshold()));
            out.put("sensitivity", value(s.sensitivity()));
            out.put("specificity", value(s.specificity()));
            out.put("ppv", value(s.ppv()));
            out.put("npv", value(s.npv()));
            out.put("tp", s.tp());
            out.put("fp", s.fp());
            out.put("tn", s.tn());
            out.put("fn", s.fn());
        }
        out.put("per_class", perClass(split));
        out.put("confusion", m.confusion());
        if (split.withoutTta() != null) {
            out.put("tta", split.tta());
            Map<String, Object> plain = json(split.withoutTta(), checkpoint);
            List.of("split", "checkpoint", "epoch", "count", "classes").forEach(plain::remove);
            out.put("without_tta", plain);
        }
        return out;
    }

    private static List<Map<String, Object>> perClass(ScoredSplit split) {
        double[] auroc = split.perClassAuroc();
        double[] ap = split.perClassAveragePrecision();
        List<Map<String, Object>> rows = new ArrayList<>();
        List<ClassStats> stats = split.evaluation().summary().perClass();
        for (int c = 0; c < stats.size(); c++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("class", stats.get(c).name());
            row.put("precision", stats.get(c).precision());
            row.put("recall", stats.get(c).recall());
            row.put("f1", stats.get(c).f1());
            row.put("support", stats.get(c).support());
            row.put("auroc", value(auroc[c]));
            row.put("pr_auc", value(ap[c]));
            rows.add(row);
        }
        return rows;
    }

    static String predictionsCsv(ScoredSplit split) {
        List<String> classes = split.classes();
        StringBuilder csv = new StringBuilder("path,label,predicted");
        classes.forEach(c -> csv.append(",p_").append(cell(c)));
        if (split.rule().binary()) {
            csv.append(",decision");
        }
        csv.append('\n');
        var scored = split.evaluation().scored();
        for (int i = 0; i < scored.size(); i++) {
            String path = split.evaluation().paths().get(i);
            csv.append(cell(path == null ? "" : path)).append(',').append(cell(classes.get(scored.labels()[i])))
                    .append(',').append(cell(classes.get(scored.predicted(i))));
            for (double p : scored.probabilities()[i]) {
                // the shortest text that reads back as the same double: metrics recomputed from the file are exact
                csv.append(',').append(p);
            }
            if (split.rule().binary()) {
                csv.append(',').append(cell(classes.get(split.decided(i))));
            }
            csv.append('\n');
        }
        return csv.toString();
    }

    /** A metric for JSON: null where it is undefined (NaN) or infinite. */
    static Double value(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** A CSV cell, quoted when it holds a comma, a quote or a line break. */
    static String cell(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n")
                ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
