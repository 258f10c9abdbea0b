package dev.graft.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.backbone.Stages;
import dev.graft.config.DataConfig;
import dev.graft.config.ExperimentConfig;
import dev.graft.config.HeadConfig;
import dev.graft.config.StageSelection;
import dev.graft.config.TrainConfig;
import dev.graft.config.YamlFiles;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bundle's {@code model-card.md}: what the model is (backbone, weights, frozen stages, head), its calibration
 * temperature and decision threshold, what it was trained on, how well it did on validation data, and where it
 * came from (the run's {@code config.yaml}, {@code best-metrics.json}, {@code metrics.csv} and
 * {@code provenance.json}).
 */
final class ModelCard {
    private final StringBuilder md = new StringBuilder();

    private ModelCard() {
    }

    static String render(TrainedRun run, BundleManifest manifest, Preprocessing pre) {
        return new ModelCard().build(run, manifest, pre);
    }

    private String build(TrainedRun run, BundleManifest manifest, Preprocessing pre) {
        ExperimentConfig c = run.config;
        line("# " + run.name() + " — image classifier");
        line("");
        line("Exported by Graft " + manifest.graftVersion() + " on " + manifest.created() + " from "
                + (run.runDir != null ? "run `" + run.runDir + "`" : "checkpoint") + ", checkpoint `"
                + run.checkpoint.getFileName() + "` (after epoch " + run.epoch + ").");
        line("");
        line("## Model");
        line("| | |");
        line("|---|---|");
        row("backbone", run.arch.id() + " (" + run.arch.family().name().toLowerCase(Locale.ROOT) + " layout)");
        row("weights source", "`" + c.backbone().weights() + "`");
        row("frozen stages (config)", stages(c.backbone().freeze()));
        List<String> unfreeze = new ArrayList<>();
        c.train().unfreeze().forEach(step -> unfreeze.add(stages(step.stages()) + " at epoch " + step.atEpoch()
                + " (lr x" + text(step.lrMult()) + ")"));
        row("unfrozen during training", unfreeze.isEmpty() ? "none" : String.join("; ", unfreeze));
        List<String> frozenNow = Stages.of(run.arch).frozenIn(run.model);
        row("frozen in this checkpoint", frozenNow.isEmpty() ? "none" : String.join(", ", frozenNow));
        HeadConfig head = c.head();
        row("head", "hidden " + text(head.hidden()) + ", activation " + head.activation()
                + ", dropout " + text(head.dropout()) + ", batch norm " + head.batchNorm()
                + switch (run.problem()) {
                    case SINGLE_LABEL -> " → softmax over " + run.labels.size() + " classes";
                    case MULTI_LABEL -> " → a sigmoid per label (" + run.labels.size() + " labels)";
                    case REGRESSION -> " → one value, `" + run.labels.get(0) + "` in its own units";
                });
        row("parameters", String.format(Locale.ROOT, "%,d", run.model.numParams()));
        row("input", pre.imageSize() + "x" + pre.imageSize() + " " + pre.channelOrder() + " " + pre.layout()
                + ", shorter side resized to " + pre.resizeShorterSide() + " then centre-cropped, scaled to [0, 1], "
                + "mean " + pre.mean() + ", std " + pre.std() + " (see `preprocessing.json`)");
        row("files", String.join(", ", manifest.formats().stream().map(f -> f.equals("onnx")
                ? "`model.onnx` (ONNX opset " + OnnxGraph.OPSET + ", input `" + OnnxExporter.INPUT + "` [N, 3, "
                + pre.imageSize() + ", " + pre.imageSize() + "], " + (run.targetScaling != null ? "output `"
                + OnnxExporter.VALUE + "`)" : "outputs `" + OnnxExporter.PROBABILITIES + "`, `" + OnnxExporter.LOGITS
                + "`)")
                : "`model.zip` (DL4J ComputationGraph, no optimizer state)").toList()));
        line("");
        line(run.targetScaling != null ? "## Target" : "## Classes");
        line(run.targetScaling != null ? "`" + run.labels.get(0) + "`: " + BundleManifest.Target.FOLDED + String.format(
                Locale.ROOT, " (training mean %.6g, std %.6g).", run.targetScaling.mean(), run.targetScaling.std())
                : run.labels.size() + (run.problem() == HeadConfig.Problem.MULTI_LABEL ? " labels" : " classes")
                + ", in output order: " + String.join(", ", run.labels.stream().map(l -> "`" + l + "`").toList())
                + ".");
        line("");
        if (manifest.labelThresholds() != null) {
            labelThresholds(manifest);
        } else if (run.targetScaling == null) {
            calibration(manifest, run.labels);
        }
        data(c.data());
        training(c);
        metrics(run);
        provenance(run.runJson("provenance.json"));
        line("## Intended use and limits");
        line("The metrics above come from the run's validation split, which shares its source with the training "
                + "data. Check the model on images from the setting where it will be used before relying on it, "
                + "and send it images prepared like its training images (see `preprocessing.json`).");
        return md.toString();
    }

    /** A multi-label head's per-label thresholds (from {@code bundle.json}). */
    private void labelThresholds(BundleManifest manifest) {
        line("## Decision");
        line("A label is present when its probability is at least its threshold: " + manifest.thresholdRule() + ".");
        line("");
        line("| label | threshold |");
        line("|---|---|");
        manifest.labelThresholds().forEach((label, t) -> line(String.format(Locale.ROOT, "| %s | %.6f |", label, t)));
        line("");
    }

    /** The temperature folded into the model and a binary task's decision threshold (from {@code bundle.json}). */
    private void calibration(BundleManifest manifest, List<String> labels) {
        line("## Calibration and decision");
        line("| | |");
        line("|---|---|");
        row("temperature", manifest.temperature() == 1.0
                ? "1 (uncalibrated: the probabilities are the model's softmax)"
                : String.format(Locale.ROOT, "%.4f (fitted on validation and folded into the output layer: the "
                + "probabilities of both model files are softmax(logits / %.4f))", manifest.temperature(),
                manifest.temperature()));
        BundleManifest.Threshold d = manifest.decision();
        if (d == null) {
            row("decision", "the most probable class (no decision threshold)");
        } else {
            String negative = labels.get(1 - labels.indexOf(d.positiveClass()));
            row("positive class", "`" + d.positiveClass() + "`");
            row("threshold", String.format(Locale.ROOT, "%.6f: `%s` when its probability is >= the threshold, "
                    + "otherwise `%s`", d.threshold(), d.positiveClass(), negative));
            row("operating point", (d.operatingPoint() == null ? "—" : "`" + d.operatingPoint() + "`")
                    + ", chosen on validation");
        }
        line("");
    }

    private void data(DataConfig d) {
        line("## Data");
        line("| | |");
        line("|---|---|");
        Map<String, String> folders = new LinkedHashMap<>();
        folders.put("train", d.train());
        folders.put("val", d.val());
        folders.put("test", d.test());
        folders.put("root", d.root());
        folders.forEach((key, folder) -> {
            if (folder != null) {
                row(key, "`" + folder + "`");
            }
        });
        if (d.csv() != null) {
            row("csv", "`" + d.csv().file() + "`");
        }
        if (d.train() == null) {
            row("split", "val " + text(d.split().val()) + ", test " + text(d.split().test()));
        }
        row("augmentation", text(d.augment()));
        row("class weights / sampler", text(d.classWeights()) + " / " + d.sampler());
        line("");
    }

    private void training(ExperimentConfig c) {
        TrainConfig t = c.train();
        line("## Training");
        line("| | |");
        line("|---|---|");
        row("epochs, batch size", t.epochs() + ", " + t.batchSize());
        row("optimizer", t.optimizer().type() + ", lr " + text(t.optimizer().lr()) + ", weight decay "
                + text(t.optimizer().weightDecay()));
        row("schedule", t.schedule().type() + ", warmup " + t.schedule().warmupEpochs() + " epochs");
        row("label smoothing", text(t.labelSmoothing()));
        row("seed", String.valueOf(c.seed()));
        line("");
    }

    private void metrics(TrainedRun run) {
        line("## Final metrics");
        JsonNode best = run.runJson("best-metrics.json");
        if (best.isMissingNode()) {
            line("The run folder has no `best-metrics.json`.");
        } else {
            JsonNode v = best.path("validation");
            line("Best epoch " + best.path("epoch").asText() + " by `" + best.path("monitor").asText()
                    + "`, on " + v.path("count").asText() + " validation images:");
            line("");
            line("| metric | value |");
            line("|---|---|");
            v.fields().forEachRemaining(e -> {
                if (e.getValue().isNumber() && !e.getKey().equals("count")) {
                    row(e.getKey(), String.format(Locale.ROOT, "%.4f", e.getValue().asDouble()));
                }
            });
            line("");
            line("| class | precision | recall | F1 | support |");
            line("|---|---|---|---|---|");
            v.path("per_class").forEach(k -> line(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %d |",
                    k.path("name").asText(), k.path("precision").asDouble(), k.path("recall").asDouble(),
                    k.path("f1").asDouble(), k.path("support").asLong())));
        }
        List<Map<String, String>> rows = run.metricsRows();
        if (!rows.isEmpty()) {
            Map<String, String> last = rows.get(rows.size() - 1);
            line("");
            line("Last epoch (" + last.get("epoch") + " of " + rows.size() + " recorded): train loss "
                    + last.get("train_loss") + ", val loss " + last.get("val_loss") + (last.containsKey("val_top1")
                    ? ", val top-1 " + last.get("val_top1") : "") + ".");
        }
        line("");
    }

    private void provenance(JsonNode p) {
        line("## Provenance");
        if (p.isMissingNode()) {
            line("The run folder has no `provenance.json`.");
            line("");
            return;
        }
        line("| | |");
        line("|---|---|");
        row("graft", text(p.path("graftVersion")) + (p.hasNonNull("gitCommit") ? ", commit "
                + p.path("gitCommit").asText() + (p.path("gitDirty").asBoolean() ? " (uncommitted changes)" : "")
                : ""));
        row("command", "`" + text(p.path("command")) + "`");
        row("started", text(p.path("startTime")));
        row("machine", text(p.path("os")) + ", " + text(p.path("cpu")) + ", " + text(p.path("cores")) + " cores");
        row("runtime", text(p.path("jvm")) + ", ND4J " + text(p.path("backend"))
                + (p.path("oneDnn").asBoolean() ? " with oneDNN" : ""));
        row("seed", text(p.path("seed")));
        line("");
    }

    private static String stages(StageSelection selection) {
        if (selection.all()) {
            return "all";
        }
        return selection.stages().isEmpty() ? "none" : String.join(", ", selection.stages());
    }

    /** A config value as its YAML file would write it ({@code 3.0E-4}, {@code [{"hflip":{"p":0.5}}]}). */
    private static String text(Object value) {
        return text((JsonNode) YamlFiles.mapper().valueToTree(value));
    }

    private static String text(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return "—";
        }
        return node.isValueNode() ? node.asText() : node.toString();
    }

    private void row(String key, String value) {
        line("| " + key + " | " + value.replace("|", "\\|") + " |");
    }

    private void line(String text) {
        md.append(text).append('\n');
    }
}
