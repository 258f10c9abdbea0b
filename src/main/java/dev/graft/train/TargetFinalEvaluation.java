package dev.graft.train;

import dev.graft.run.RunDirectory;
import dev.graft.config.ExperimentConfig;
import dev.graft.data.DataPipeline;
import dev.graft.data.Split;
import dev.graft.data.TargetScaling;
import dev.graft.metrics.DecisionRule;
import dev.graft.metrics.LabelThresholds;
import dev.graft.metrics.MultiLabelMetrics;
import dev.graft.metrics.ThresholdStats;
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
 * A multi-label head's per-label thresholds are tuned on validation ({@link LabelThresholds}) and written to
 * {@code decision.json}; both splits' metrics then hold each label's precision, recall and F1 at them and the
 * macro F1.
 */
final class TargetFinalEvaluation {
    private static final Logger LOG = LoggerFactory.getLogger(TargetFinalEvaluation.class);

    private TargetFinalEvaluation() {
    }

    static void run(ExperimentConfig config, DataPipeline data, Path best, Path runFolder) {
        Checkpoints.Loaded loaded = Checkpoints.read(best);
        List<String> outputs = loaded.state().classes();
        double[] thresholds = null;
        for (Split split : List.of(Split.VAL, Split.TEST)) {
            if (!data.has(split)) {
                continue;
            }
            TargetEvaluator.Evaluation e = evaluate(loaded, config, data, split);
            if (split == Split.VAL && e.labels() != null) {
                thresholds = LabelThresholds.tune(e.labels(), outputs.size());
                FinalEvaluation.writeRule(DecisionRule.ofLabelThresholds(loaded.state().completedEpochs(), outputs,
                        thresholds), runFolder.resolve(DecisionRule.FILE));
            }
            write(split, e, outputs, thresholds, best, loaded.state().completedEpochs(),
                    runFolder.resolve(split.id() + "-metrics.json"), RunDirectory.predictionsCsv(runFolder,
                            split.id()));
        }
    }

    /** {@code split} of {@code data} scored by the checkpoint, outputs in the target's units. */
    static TargetEvaluator.Evaluation evaluate(Checkpoints.Loaded loaded, ExperimentConfig config, DataPipeline data,
                                               Split split) {
        TargetScaling scaling = loaded.state().targetScaling() == null ? TargetScaling.IDENTITY
                : loaded.state().targetScaling();
        return TargetEvaluator.evaluate(loaded.inferenceModel(), data.eval(split, config.train().batchSize()),
                config.head().problem(), scaling, dev.graft.model.TestTimeAugmentation.of(config.evaluation().tta()));
    }

    /**
     * Writes one split's metrics JSON and predictions CSV.
     *
     * @param thresholds multi-label: each label's decision threshold; null for regression
     */
    static void write(Split split, TargetEvaluator.Evaluation e, List<String> outputs, double[] thresholds,
                      Path checkpoint, int epoch, Path metricsJson, Path csv) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("split", split.id());
        json.put("checkpoint", checkpoint.toString());
        json.put("epoch", epoch);
        json.putAll(details(e, outputs, thresholds));
        SplitResultFiles.write(metricsJson, json);
        SplitResultFiles.writeText(csv, predictionsCsv(e, outputs));
        StringBuilder line = new StringBuilder(split.id() + ": " + e.count() + " images");
        e.scores().forEach((k, v) -> line.append(String.format(Locale.ROOT, ", %s %.4f", k, v)));
        if (thresholds != null) {
            line.append(String.format(Locale.ROOT, ", macro F1 %.4f",
                    LabelThresholds.macroF1(LabelThresholds.at(e.labels(), thresholds))));
        }
        LOG.info("{} | {}", line, csv);
    }

    /** What metrics.json says about one epoch's validation (no thresholds are tuned before the end). */
    static Map<String, Object> details(TargetEvaluator.Evaluation e, List<String> outputs) {
        return details(e, outputs, null);
    }

    /**
     * What {@code <split>-metrics.json} says about one evaluation.
     *
     * @param thresholds multi-label: the decision thresholds, which add {@code macro_f1} and each label's threshold,
     *                   precision, recall and F1; null for none
     */
    static Map<String, Object> details(TargetEvaluator.Evaluation e, List<String> outputs, double[] thresholds) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", e.count());
        out.put("outputs", outputs);
        out.put("loss", SplitResultFiles.value(e.loss()));
        e.scores().forEach((k, v) -> out.put(k, SplitResultFiles.value(v)));
        if (e.labels() != null) {
            List<ThresholdStats> decided = thresholds == null ? null : LabelThresholds.at(e.labels(), thresholds);
            if (decided != null) {
                out.put("macro_f1", SplitResultFiles.value(LabelThresholds.macroF1(decided)));
            }
            double[] auroc = MultiLabelMetrics.perLabelAuroc(e.labels());
            double[] ap = MultiLabelMetrics.perLabelAveragePrecision(e.labels());
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int j = 0; j < outputs.size(); j++) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("label", outputs.get(j));
                row.put("auroc", SplitResultFiles.value(j < auroc.length ? auroc[j] : Double.NaN));
                row.put("average_precision", SplitResultFiles.value(j < ap.length ? ap[j] : Double.NaN));
                if (decided != null) {
                    ThresholdStats s = decided.get(j);
                    row.put("threshold", SplitResultFiles.value(s.threshold()));
                    row.put("precision", SplitResultFiles.value(s.ppv()));
                    row.put("recall", SplitResultFiles.value(s.sensitivity()));
                    row.put("f1", SplitResultFiles.value(s.f1()));
                }
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
