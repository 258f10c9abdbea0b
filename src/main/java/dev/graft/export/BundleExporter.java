package dev.graft.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.AtomicFiles;
import dev.graft.GraftException;
import dev.graft.config.ConfigLoader;
import dev.graft.config.ExportConfig;
import dev.graft.config.HeadConfig;
import dev.graft.metrics.DecisionRule;
import dev.graft.metrics.LabelThresholds;
import dev.graft.model.OutputTargetScaling;
import dev.graft.model.OutputTemperature;
import dev.graft.run.RunDirectory;
import org.deeplearning4j.util.ModelSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes an inference bundle from a training run ({@code graft export}, and after {@code graft train} when the
 * config's {@code export.formats} is set). The bundle is built in a temporary sibling folder and moved into place
 * whole, so a failed export never leaves a half bundle or mixes files of two exports; every file inside is
 * written atomically too. When ONNX is written, the exporter runs it in ONNX Runtime next to DL4J on the run's
 * validation images (noise when they are gone) and reports the largest relative logit difference ({@link OnnxCheck}).
 *
 * <p>When the run folder's {@value DecisionRule#FILE} was chosen for the exported checkpoint, its temperature is
 * folded into the output layer of both model files (their probabilities are the calibrated ones) and recorded, with
 * a binary task's decision threshold or a multi-label head's per-label thresholds, in {@code bundle.json} and the
 * ONNX model's metadata. A regression head's target standardisation is folded into its output layer the same way,
 * so both model files output the target in its own units.
 */
public final class BundleExporter {
    private static final Logger LOG = LoggerFactory.getLogger(BundleExporter.class);
    /** The ONNX model must agree with DL4J to this ({@link OnnxCheck#maxDifference}). */
    static final double TOLERANCE = 1e-4;

    private final String graftVersion;

    /** @param graftVersion written into the bundle's manifest and the ONNX model's producer version */
    public BundleExporter(String graftVersion) {
        this.graftVersion = graftVersion;
    }

    /**
     * What to export.
     *
     * @param source     a run folder or a checkpoint {@code .zip}
     * @param checkpoint for a run folder: its best or last checkpoint
     * @param out        the bundle folder; null means {@code RUN_DIR/export}
     * @param zip        also write {@code <out>.zip}
     */
    public record Request(Path source, ExportConfig.Which checkpoint, Set<ExportConfig.Format> formats, Path out,
                          boolean zip) {
        public Request {
            formats = formats.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(formats));
        }
    }

    /**
     * What was written.
     *
     * @param onnxMaxDifference largest |onnx - dl4j| / max(1, |dl4j|) logit (regression: value) difference on the
     *                          verification batch; NaN when not measured
     * @param onnxCheckedOn     what that batch was ("on 8 validation images", "on random noise"); null when not
     *                          measured
     * @param temperature       the calibration temperature folded into the models (1: uncalibrated)
     * @param decision          the binary decision threshold written to {@code bundle.json}, or null
     */
    public record Result(Path folder, Path zip, List<String> files, Path checkpoint, int epoch,
                         double onnxMaxDifference, String onnxCheckedOn, double temperature, BundleManifest.Threshold decision) {
    }

    /** Exports as {@code request} says. */
    public Result export(Request request) {
        if (request.formats().isEmpty()) {
            throw GraftException.usage("no export format given; choose dl4j, onnx or both");
        }
        TrainedRun run = TrainedRun.open(request.source(), request.checkpoint());
        Path out = (request.out() != null ? request.out()
                : (run.runDir != null ? run.runDir : run.checkpoint.toAbsolutePath().getParent()).resolve("export"))
                .toAbsolutePath().normalize();
        checkReplaceable(out);
        LOG.info("exporting {} (epoch {}) to {}", run.checkpoint, run.epoch, out);
        Preprocessing pre = run.preprocessing();
        DecisionRule rule = run.decisionRule();
        // run.model is this export's own copy of the checkpoint; both model files come from it.
        if (run.targetScaling != null) {
            OutputTargetScaling.fold(run.model, run.targetScaling.mean(), run.targetScaling.std());
            LOG.info("folding the target standardisation (mean {}, std {}) into the output layer: the models output "
                    + "{} in its own units", run.targetScaling.mean(), run.targetScaling.std(), run.labels.get(0));
        } else if (rule != null && !rule.perLabel()) {
            OutputTemperature.fold(run.model, rule.temperature());
            LOG.info("applying {}: temperature {}{}", DecisionRule.FILE, rule.temperature(), rule.binary()
                    ? ", " + rule.positiveClass() + " when p >= " + rule.threshold() : "");
        }
        BundleManifest manifest = manifest(run, request.formats(), rule);
        Path tmp;
        OnnxCheck.Result check = null;
        try {
            Files.createDirectories(out.getParent());
            tmp = Files.createTempDirectory(out.getParent(), "." + out.getFileName() + ".");
        } catch (IOException e) {
            throw new GraftException("cannot create " + out.getParent() + ": " + e.getMessage(), e);
        }
        try {
            if (request.formats().contains(ExportConfig.Format.DL4J)) {
                AtomicFiles.writeVia(tmp.resolve(Bundle.DL4J_MODEL),
                        p -> ModelSerializer.writeModel(run.model, p.toFile(), false));
            }
            if (request.formats().contains(ExportConfig.Format.ONNX)) {
                OnnxExporter.write(run.model, pre.imageSize(), graftVersion, onnxMetadata(manifest),
                        tmp.resolve(Bundle.ONNX_MODEL));
                check = OnnxCheck.compare(run.model, tmp.resolve(Bundle.ONNX_MODEL), pre, run.runDir);
            }
            AtomicFiles.writeString(tmp.resolve(Bundle.LABELS), Bundle.JSON.writeValueAsString(run.labels) + "\n");
            AtomicFiles.writeString(tmp.resolve(Bundle.PREPROCESSING), Bundle.JSON.writeValueAsString(pre) + "\n");
            AtomicFiles.writeString(tmp.resolve(Bundle.MANIFEST), Bundle.JSON.writeValueAsString(manifest) + "\n");
            AtomicFiles.writeString(tmp.resolve(Bundle.MODEL_CARD), ModelCard.render(run, manifest, pre));
            moveIntoPlace(tmp, out);
        } catch (IOException e) {
            throw new GraftException("cannot write the bundle " + out + ": " + e.getMessage(), e);
        } finally {
            deleteTree(tmp);
        }
        if (check != null && check.maxDifference() > TOLERANCE) {
            LOG.warn("the ONNX model's logits differ from DL4J's by up to {} {} (relative, tolerance {}); prefer "
                    + "model.zip", check.maxDifference(), check.describe(), TOLERANCE);
        }
        List<String> files = listFiles(out);
        Path zip = request.zip() ? zip(out, files) : null;
        return new Result(out, zip, files, run.checkpoint, run.epoch,
                check == null ? Double.NaN : check.maxDifference(), check == null ? null : check.describe(),
                manifest.temperature(), manifest.decision());
    }

    private BundleManifest manifest(TrainedRun run, Set<ExportConfig.Format> formats, DecisionRule rule) {
        HeadConfig.Problem problem = run.problem();
        Map<String, Double> thresholds = null;
        String thresholdRule = null;
        if (problem == HeadConfig.Problem.MULTI_LABEL) {
            thresholds = rule != null ? rule.labelThresholds() : fallbackThresholds(run.labels);
            thresholdRule = rule != null ? rule.operatingPoint() : LabelThresholds.FALLBACK + " for every label (the "
                    + "run has no " + DecisionRule.FILE + " for this checkpoint)";
        }
        BundleManifest.Target target = run.targetScaling == null ? null : new BundleManifest.Target(run.labels.get(0),
                run.targetScaling.mean(), run.targetScaling.std(), BundleManifest.Target.FOLDED);
        boolean calibrated = rule != null && !rule.perLabel();
        return new BundleManifest(BundleManifest.FORMAT_VERSION, graftVersion,
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), run.name(), run.arch.id(),
                run.runDir == null ? null : run.runDir.toString(), run.checkpoint.toAbsolutePath().toString(),
                run.epoch, formats.stream().sorted().map(ExportConfig.Format::toString).toList(), run.labels.size(),
                calibrated ? rule.temperature() : 1.0, calibrated && rule.binary()
                ? new BundleManifest.Threshold(rule.positiveClass(), rule.threshold(), rule.operatingPoint()) : null,
                problem.toString(), thresholds, thresholdRule, target,
                run.config.evaluation().tta().stream().map(Object::toString).toList());
    }

    /** Every label at {@link LabelThresholds#FALLBACK}, for a multi-label checkpoint without a tuned decision. */
    private static Map<String, Double> fallbackThresholds(List<String> labels) {
        LOG.warn("no {} for this checkpoint: every label is called present at probability >= {}", DecisionRule.FILE,
                LabelThresholds.FALLBACK);
        Map<String, Double> out = new LinkedHashMap<>();
        labels.forEach(l -> out.put(l, LabelThresholds.FALLBACK));
        return out;
    }

    /**
     * The calibration and decision as ONNX {@code metadata_props}, for those who ship {@code model.onnx} alone;
     * {@code bundle.json} holds the same values.
     */
    static Map<String, String> onnxMetadata(BundleManifest manifest) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(OnnxExporter.PROBLEM, manifest.problem());
        metadata.put(OnnxExporter.TEMPERATURE, Double.toString(manifest.temperature()));
        if (manifest.labelThresholds() != null) {
            try {
                metadata.put(OnnxExporter.LABEL_THRESHOLDS, new ObjectMapper().writeValueAsString(
                        manifest.labelThresholds()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot render the label thresholds", e);
            }
        }
        if (manifest.target() != null) {
            metadata.put(OnnxExporter.TARGET, manifest.target().name());
        }
        BundleManifest.Threshold decision = manifest.decision();
        if (decision != null) {
            metadata.put(OnnxExporter.POSITIVE_CLASS, decision.positiveClass());
            metadata.put(OnnxExporter.THRESHOLD, Double.toString(decision.threshold()));
            if (decision.operatingPoint() != null) {
                metadata.put(OnnxExporter.OPERATING_POINT, decision.operatingPoint());
            }
        }
        return metadata;
    }

    /**
     * The export a finished training run's config asks for ({@code export.formats}, {@code export.checkpoint},
     * {@code export.zip}) into {@code RUN_DIR/export}; empty when {@code export.formats} is empty.
     */
    public Optional<Result> afterTraining(Path runDir) {
        ExportConfig export = ConfigLoader.schemaOnly().load(runDir.resolve(RunDirectory.CONFIG)).export();
        if (export.formats().isEmpty()) {
            return Optional.empty();
        }
        Set<ExportConfig.Format> formats = EnumSet.copyOf(export.formats());
        return Optional.of(export(new Request(runDir, export.checkpoint(), formats, null, export.zip())));
    }

    /** Refuses to replace a folder that is not a bundle (a typo in --out must not delete someone's files). */
    private static void checkReplaceable(Path out) {
        if (!Files.exists(out)) {
            return;
        }
        boolean bundle = Files.isRegularFile(out.resolve(Bundle.LABELS)) || Files.isRegularFile(out.resolve(
                Bundle.MANIFEST));
        boolean empty;
        try (Stream<Path> s = Files.list(out)) {
            empty = s.findAny().isEmpty();
        } catch (IOException e) {
            empty = false;
        }
        if (!Files.isDirectory(out) || !(bundle || empty)) {
            throw GraftException.usage(out + " exists and is not a Graft bundle; choose another --out");
        }
    }

    private static void moveIntoPlace(Path tmp, Path out) throws IOException {
        Path old = null;
        if (Files.exists(out)) {
            old = out.resolveSibling("." + out.getFileName() + ".old-" + System.nanoTime());
            Files.move(out, old);
        }
        Files.move(tmp, out);
        if (old != null) {
            deleteTree(old);
        }
    }

    private static Path zip(Path folder, List<String> files) {
        Path zip = folder.resolveSibling(folder.getFileName() + ".zip");
        try {
            AtomicFiles.write(zip, stream -> {
                ZipOutputStream z = new ZipOutputStream(stream);
                for (String file : files) {
                    z.putNextEntry(new ZipEntry(file));
                    Files.copy(folder.resolve(file), z);
                    z.closeEntry();
                }
                z.finish();
            });
        } catch (IOException e) {
            throw new GraftException("cannot write " + zip + ": " + e.getMessage(), e);
        }
        return zip;
    }

    private static List<String> listFiles(Path folder) {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new GraftException("cannot list " + folder + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> paths = new ArrayList<>(walk.sorted(Comparator.reverseOrder()).toList());
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", root, e.getMessage());
        }
    }
}
