package dev.graft.train;

import dev.graft.config.ExperimentConfig;
import dev.graft.data.DataPipeline;
import dev.graft.data.Split;
import dev.graft.data.TargetScaling;
import dev.graft.metrics.MultiLabelMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * After training a multi-label or regression head: the best checkpoint is scored once more on validation and, when
 * the data has one, on the test split, writing {@code <split>-metrics.json} (the metric set, per-label AUROC and
 * average precision) and {@code <split>-predictions.csv} (multi-label: {@code path,y_<label>...,p_<label>...} with
 * an empty {@code y_} cell for an unknown label; regression: {@code path,target,predicted} in the target's units).
 * No threshold or calibration is fitted (phase 1 of issue 17).
 */
final class TargetFinalEvaluation {
    private static final Logger LOG = LoggerFactory.getLogger(TargetFinalEvaluation.class);

    private TargetFinalEvaluation() {
    }

    static void run(ExperimentConfig config, DataPipeline data, Path best, Path runFolder) {
        Checkpoints.Loaded loaded = Checkpoints.read(best);
        TargetScaling scaling = loaded.state().targetScaling() == null ? TargetScaling.IDENTITY
                : loaded.state().targetScaling();
        List<String> outputs = loaded.state().classes();
        for (Split split : List.of(Split.VAL, Split.TEST)) {
            if (!data.has(split)) {
                continue;
            }
            TargetEvaluator.Evaluation e = TargetEvaluator.evaluate(loaded.model(),
                    data.eval(split, config.train().batchSize()), config.head().problem(), scaling);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("split", split.id());
            json.put("checkpoint", best.toString());
            json.put("epoch", loaded.state().completedEpochs());
            json.putAll(details(e, outputs));
            SplitResultFiles.write(runFolder.resolve(split.id() + "-metrics.json"), json);
            Path csv = runFolder.resolve(split.id() + "-predictions.csv");
            SplitResultFiles.writeText(csv, predictionsCsv(e, outputs));
            StringBuilder line = new StringBuilder(split.id() + ": " + e.count() + " images");
            e.scores().forEach((k, v) -> line.append(String.format(Locale.ROOT, ", %s %.4f", k, v)));
            LOG.info("{} | {}", line, csv);
        }
    }

    /** What metrics.json and {@code <split>-metrics.json} say about one evaluation. */
    static Map<String, Object> details(TargetEvaluator.Evaluation e, List<String> outputs) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", e.count());
        out.put("outputs", outputs);
        out.put("loss", SplitResultFiles.value(e.loss()));
        e.scores().forEach((k, v) -> out.put(k, SplitResultFiles.value(v)));
        if (e.labels() != null) {
            double[] auroc = MultiLabelMetrics.perLabelAuroc(e.labels());
            double[] ap = MultiLabelMetrics.perLabelAveragePrecision(e.labels());
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int j = 0; j < outputs.size(); j++) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("label", outputs.get(j));
                row.put("auroc", SplitResultFiles.value(auroc[j]));
                row.put("average_precision", SplitResultFiles.value(ap[j]));
                rows.add(row);
            }
            out.put("per_label", rows);
        }
        return out;
    }

    static String predictionsCsv(TargetEvaluator.Evaluation e, List<String> outputs) {
        StringBuilder b = new StringBuilder("path");
        if (e.labels() != null) {
            outputs.forEach(o -> b.append(",y_").append(o));
            outputs.forEach(o -> b.append(",p_").append(o));
        } else {
            b.append(",target,predicted");
        }
        b.append('\n');
        for (int i = 0; i < e.count(); i++) {
            b.append(SplitResultFiles.cell(e.paths().get(i) == null ? "" : e.paths().get(i)));
            if (e.labels() != null) {
                for (float y : e.labels().targets()[i]) {
                    b.append(',').append(Float.isNaN(y) ? "" : String.valueOf((int) y));
                }
                for (double p : e.labels().probabilities()[i]) {
                    b.append(',').append(String.format(Locale.ROOT, "%.6f", p));
                }
            } else {
                b.append(String.format(Locale.ROOT, ",%.6g,%.6g", e.values().actual()[i], e.values().predicted()[i]));
            }
            b.append('\n');
        }
        return b.toString();
    }
}
