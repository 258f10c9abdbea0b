package dev.graft.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.graft.GraftException;
import dev.graft.backbone.InputSpec;
import dev.graft.backbone.ResNetSpec;
import dev.graft.config.Arch;
import dev.graft.config.ConfigLoader;
import dev.graft.config.ExperimentConfig;
import dev.graft.config.ExportConfig;
import dev.graft.config.HeadConfig;
import dev.graft.config.YamlFiles;
import dev.graft.data.Normalization;
import dev.graft.data.TargetScaling;
import dev.graft.metrics.DecisionRule;
import dev.graft.run.CheckpointFile;
import dev.graft.run.RunDirectory;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained model as a run left it, read for export: the checkpoint's DL4J graph without optimizer state, its
 * class names, epoch and resolved config (read through {@link CheckpointFile}, the format training writes), and
 * the run folder's provenance and metrics. The
 * config binds to its records with the schema checks only: the data folders need not exist where the export runs.
 */
final class TrainedRun {
    private static final Logger LOG = LoggerFactory.getLogger(TrainedRun.class);

    final Path runDir;
    final Path checkpoint;
    final ComputationGraph model;
    final List<String> labels;
    final ExperimentConfig config;
    final int epoch;
    final Arch arch;
    /** A regression head's target standardisation; null for the other heads. */
    final TargetScaling targetScaling;

    private TrainedRun(Path runDir, Path checkpoint) {
        this.runDir = runDir;
        this.checkpoint = checkpoint;
        CheckpointFile.Entries entries = CheckpointFile.readEntries(checkpoint);
        this.config = bind(entries.configYaml(), checkpoint);
        this.labels = entries.labels();
        this.epoch = entries.completedEpochs();
        this.arch = config.arch();
        this.model = CheckpointFile.readInferenceModel(checkpoint); // the weight average when train.ema kept one
        this.targetScaling = problem() == HeadConfig.Problem.REGRESSION ? targetScaling(entries, checkpoint) : null;
    }

    /** A regression checkpoint's target standardisation (its state's {@code targetScaling}). */
    private static TargetScaling targetScaling(CheckpointFile.Entries entries, Path checkpoint) {
        try {
            JsonNode node = Bundle.JSON.readTree(entries.stateJson()).path("targetScaling");
            if (!node.path("mean").isNumber() || !node.path("std").isNumber()) {
                throw GraftException.usage(checkpoint + " is a regression checkpoint without its target scaling "
                        + "(mean, std) in its state; it cannot be exported in the target's units");
            }
            return new TargetScaling(node.path("mean").asDouble(), node.path("std").asDouble());
        } catch (JsonProcessingException e) {
            throw GraftException.usage(checkpoint + ": its training state is not JSON: " + Bundle.describe(e));
        } catch (IllegalArgumentException e) {
            throw GraftException.usage(checkpoint + ": its training state's target scaling is not valid: "
                    + e.getMessage());
        }
    }

    /** The head's problem type. */
    HeadConfig.Problem problem() {
        return config.head().problem();
    }

    /**
     * Opens a run folder (its {@code checkpoints/best.zip} or {@code last.zip}) or a checkpoint file.
     *
     * @throws GraftException (usage) when neither is there
     */
    static TrainedRun open(Path runOrCheckpoint, ExportConfig.Which which) {
        if (Files.isRegularFile(runOrCheckpoint)) {
            Path folder = runOrCheckpoint.toAbsolutePath().getParent();
            Path run = folder.getFileName().toString().equals("checkpoints") ? folder.getParent() : null;
            return new TrainedRun(run != null && Files.isRegularFile(run.resolve(RunDirectory.CONFIG)) ? run : null,
                    runOrCheckpoint);
        }
        if (!Files.isDirectory(runOrCheckpoint)) {
            throw GraftException.usage("no such run folder or checkpoint: " + runOrCheckpoint);
        }
        Path checkpoints = runOrCheckpoint.resolve("checkpoints");
        Path best = checkpoints.resolve("best.zip");
        Path last = checkpoints.resolve("last.zip");
        Path chosen = which == ExportConfig.Which.LAST ? last : best;
        if (!Files.isRegularFile(chosen) && which == ExportConfig.Which.BEST && Files.isRegularFile(last)) {
            LOG.warn("{} has no checkpoints/best.zip (no epoch finished); exporting last.zip", runOrCheckpoint);
            chosen = last;
        }
        if (!Files.isRegularFile(chosen)) {
            throw GraftException.usage(runOrCheckpoint + " has no checkpoints/" + chosen.getFileName()
                    + "; pass a run folder of 'graft train' or a checkpoint .zip");
        }
        return new TrainedRun(runOrCheckpoint.toAbsolutePath().normalize(), chosen);
    }

    /**
     * The checkpoint's resolved config as records, schema only: it binds on any machine, whether or not the
     * run's data and weights are there.
     */
    private static ExperimentConfig bind(String configYaml, Path checkpoint) {
        String source = checkpoint + "!graft/config.yaml";
        return ConfigLoader.schemaOnly().fromTree(YamlFiles.parseMapping(configYaml, source), source,
                checkpoint.toAbsolutePath().getParent(), List.of(), "graft-model");
    }

    /** The experiment's name. */
    String name() {
        return config.name();
    }

    /** {@code data.image_size}, or the backbone's default. */
    int imageSize() {
        return config.imageSize();
    }

    /** {@code data.crop_ratio}, or the backbone's default. */
    double cropRatio() {
        return config.cropRatio();
    }

    /** The mean/std the backbone's weights (and so training) used. */
    Normalization normalization() {
        InputSpec input = InputSpec.forStem(ResNetSpec.of(arch).stem());
        float[] mean = new float[3];
        float[] std = new float[3];
        for (int c = 0; c < 3; c++) {
            mean[c] = input.mean().get(c);
            std[c] = input.std().get(c);
        }
        return new Normalization(mean, std);
    }

    Preprocessing preprocessing() {
        return Preprocessing.of(imageSize(), cropRatio(), normalization());
    }

    /**
     * The run's {@value DecisionRule#FILE} when it was chosen for this checkpoint's epoch; null when the run
     * has none or is a regression run (which has no decision), and null with a warning when it belongs to another
     * checkpoint (say {@code --checkpoint last} while validation calibrated the best one): its temperature and
     * thresholds would not fit these weights.
     *
     * @throws GraftException (usage) when the file is there but not a valid decision rule
     */
    DecisionRule decisionRule() {
        Path file = runDir == null ? null : runDir.resolve(DecisionRule.FILE);
        if (file == null || !Files.isRegularFile(file) || problem() == HeadConfig.Problem.REGRESSION) {
            return null;
        }
        DecisionRule rule;
        try {
            rule = DecisionRule.fromJson(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw GraftException.usage(file + " is not valid: " + Bundle.describe(e) + "; delete it to export "
                    + "without calibration and decision threshold");
        } catch (IOException e) {
            throw new GraftException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (rule == null) {
            throw GraftException.usage(file + " holds null instead of a decision rule; delete it to export "
                    + "without calibration and decision threshold");
        }
        if (rule.perLabel() != (problem() == HeadConfig.Problem.MULTI_LABEL)) {
            throw GraftException.usage(file + (rule.perLabel() ? " has per-label thresholds" : " has no per-label "
                    + "thresholds") + ", which does not fit the checkpoint's head.problem: " + problem()
                    + "; delete it to export without a decision");
        }
        if (rule.perLabel() && !rule.labelThresholds().keySet().equals(new java.util.HashSet<>(labels))) {
            throw GraftException.usage(file + " has thresholds for " + rule.labelThresholds().keySet()
                    + ", which do not match the checkpoint's labels " + labels);
        }
        if (rule.binary() && (labels.size() != 2 || rule.positiveIndex() < 0 || rule.positiveIndex() > 1
                || !labels.get(rule.positiveIndex()).equals(rule.positiveClass()))) {
            throw GraftException.usage(file + " names positive class '" + rule.positiveClass() + "' at index "
                    + rule.positiveIndex() + ", which does not match the checkpoint's classes " + labels);
        }
        if (rule.checkpointEpoch() != epoch) {
            LOG.warn("{} was chosen for the checkpoint of epoch {}, but {} is from epoch {}: exporting "
                    + "uncalibrated (temperature 1) and without a decision threshold", file, rule.checkpointEpoch(),
                    checkpoint.getFileName(), epoch);
            return null;
        }
        return rule;
    }

    /** A JSON file of the run folder, or a missing node. */
    JsonNode runJson(String file) {
        if (runDir == null || !Files.isRegularFile(runDir.resolve(file))) {
            return MissingNode.getInstance();
        }
        try {
            return Bundle.JSON.readTree(runDir.resolve(file).toFile());
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", runDir.resolve(file), e.getMessage());
            return MissingNode.getInstance();
        }
    }

    /** The rows of the run's {@code metrics.csv} as column-name maps; empty when there is none. */
    List<Map<String, String>> metricsRows() {
        List<Map<String, String>> rows = new ArrayList<>();
        if (runDir == null || !Files.isRegularFile(runDir.resolve("metrics.csv"))) {
            return rows;
        }
        try {
            List<String> lines = Files.readAllLines(runDir.resolve("metrics.csv"));
            String[] header = lines.get(0).split(",", -1);
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = line.split(",", -1);
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < header.length && i < cells.length; i++) {
                    row.put(header[i], cells[i]);
                }
                rows.add(row);
            }
        } catch (IOException | IndexOutOfBoundsException e) {
            LOG.warn("cannot read {}: {}", runDir.resolve("metrics.csv"), e.getMessage());
        }
        return rows;
    }
}
