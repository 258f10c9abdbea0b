package dev.graft.export;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.graft.GraftException;
import dev.graft.config.HeadConfig;
import dev.graft.metrics.DecisionRule;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * An inference bundle as {@code graft export} writes it, a folder or the same files in a {@code .zip} (at its
 * root or inside one top-level folder): {@value #DL4J_MODEL} and/or {@value #ONNX_MODEL}, {@value #LABELS},
 * {@value #PREPROCESSING}, {@value #MANIFEST} and {@value #MODEL_CARD}. Opening reads the small files; model
 * files are read on demand.
 */
public final class Bundle {
    /** The DL4J model, without optimizer state. */
    public static final String DL4J_MODEL = "model.zip";
    /** The ONNX model. */
    public static final String ONNX_MODEL = "model.onnx";
    /** Class names in output order, a JSON array. */
    public static final String LABELS = "labels.json";
    /** {@link Preprocessing} as JSON. */
    public static final String PREPROCESSING = "preprocessing.json";
    /** {@link BundleManifest} as JSON. */
    public static final String MANIFEST = "bundle.json";
    /** A human-readable description of the model, its data, metrics and provenance. */
    public static final String MODEL_CARD = "model-card.md";

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path source;
    private final String prefix;
    private final List<String> labels;
    private final Preprocessing preprocessing;
    private final BundleManifest manifest;
    private final DecisionRule decisionRule;
    private final HeadConfig.Problem problem;

    private Bundle(Path source, String prefix) {
        this.source = source;
        this.prefix = prefix;
        List<String> names = parse(LABELS, JSON.getTypeFactory().constructCollectionType(List.class, String.class));
        if (names == null || names.stream().anyMatch(Objects::isNull)) {
            throw GraftException.usage(source + ": " + LABELS + " must be a JSON array of class names (strings)");
        }
        this.labels = List.copyOf(names);
        this.preprocessing = parse(PREPROCESSING, JSON.constructType(Preprocessing.class));
        if (preprocessing == null) {
            throw GraftException.usage(source + ": " + PREPROCESSING + " holds null instead of a JSON object");
        }
        this.manifest = has(MANIFEST) ? parse(MANIFEST, JSON.constructType(BundleManifest.class)) : null;
        if (manifest != null && (manifest.formatVersion() < 1 || manifest.formatVersion()
                > BundleManifest.FORMAT_VERSION)) {
            throw GraftException.usage(source + ": " + MANIFEST + " has format_version " + manifest.formatVersion()
                    + ", but this Graft reads versions 1 to " + BundleManifest.FORMAT_VERSION + "; use the Graft "
                    + "version that exported it (" + manifest.graftVersion() + ") or newer, or export it again");
        }
        this.problem = manifest == null ? HeadConfig.Problem.SINGLE_LABEL : manifest.problemType();
        checkLabelCount();
        if (!has(DL4J_MODEL) && !has(ONNX_MODEL)) {
            throw GraftException.usage(source + " holds neither " + DL4J_MODEL + " nor " + ONNX_MODEL);
        }
        this.decisionRule = problem == HeadConfig.Problem.MULTI_LABEL ? labelThresholds(manifest)
                : manifest == null || manifest.decision() == null ? null : decisionRule(manifest);
    }

    /** Single-label: 2 or more classes; multi-label: 1 or more labels; regression: the one target. */
    private void checkLabelCount() {
        boolean fits = switch (problem) {
            case SINGLE_LABEL -> labels.size() >= 2;
            case MULTI_LABEL -> !labels.isEmpty();
            case REGRESSION -> labels.size() == 1;
        };
        if (!fits) {
            throw GraftException.usage(source + ": " + LABELS + " lists " + labels.size() + " names, which does not "
                    + "fit a " + problem + " model (" + switch (problem) {
                        case SINGLE_LABEL -> "2 or more classes";
                        case MULTI_LABEL -> "1 or more labels";
                        case REGRESSION -> "the target's name";
                    } + ")");
        }
    }

    /** A multi-label manifest's thresholds as the rule inference applies; a usage error when they miss a label. */
    private DecisionRule labelThresholds(BundleManifest m) {
        Map<String, Double> thresholds = m.labelThresholds();
        if (thresholds == null || !thresholds.keySet().equals(new HashSet<>(labels))) {
            throw GraftException.usage(source + ": " + MANIFEST + "'s label_thresholds " + (thresholds == null
                    ? "are missing" : "name " + thresholds.keySet()) + "; a multi-label bundle needs one per label "
                    + "of " + LABELS + " " + labels + "; export it again");
        }
        return new DecisionRule(m.epoch(), 1.0, null, -1, null, m.thresholdRule(), thresholds);
    }

    /** The manifest's decision as the rule inference applies; a usage error when it does not fit the labels. */
    private DecisionRule decisionRule(BundleManifest m) {
        BundleManifest.Threshold d = m.decision();
        if (labels.size() != 2) {
            throw GraftException.usage(source + ": " + MANIFEST + " has a decision threshold, which needs 2 classes, "
                    + "but " + LABELS + " lists " + labels.size());
        }
        int positive = labels.indexOf(d.positiveClass());
        if (positive < 0) {
            throw GraftException.usage(source + ": " + MANIFEST + "'s decision names the positive class '"
                    + d.positiveClass() + "', which is not in " + LABELS + " " + labels);
        }
        return new DecisionRule(m.epoch(), m.temperature(), d.positiveClass(), positive, d.threshold(),
                d.operatingPoint());
    }

    /** One of the bundle's JSON files as {@code type}; a usage error naming the file when it is not valid. */
    private <T> T parse(String file, JavaType type) {
        try {
            return JSON.readValue(read(file), type);
        } catch (JsonProcessingException e) {
            throw GraftException.usage(source + ": " + file + " is not valid: " + describe(e));
        } catch (IOException e) {
            throw new GraftException("cannot read " + file + " of bundle " + source + ": " + e.getMessage(), e);
        }
    }

    /** What is wrong and where (line, column, field), without Jackson's internal source excerpt. */
    static String describe(JsonProcessingException e) {
        String what;
        if (e instanceof ValueInstantiationException && e.getCause() != null) {
            what = e.getCause().getMessage();
        } else if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            what = (m.getPath().isEmpty() ? "the content" : "field " + m.getPath().stream().map(r ->
                    r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."))) + " must be " + kind(m.getTargetType());
        } else {
            what = Objects.requireNonNullElse(e.getOriginalMessage(), e.getClass().getSimpleName());
            int source = what.indexOf("[Source:");
            if (source >= 0) { // "... (start marker at [Source: ...; line: 1, column: 1])"; the location follows
                what = what.substring(0, source).replaceAll("[\\s(]*(?:start marker at|at)?\\s*$", "");
            }
        }
        JsonLocation at = e.getLocation();
        return what.strip() + (at != null && at.getLineNr() > 0 ? " at line " + at.getLineNr() + ", column "
                + at.getColumnNr() : "");
    }

    private static String kind(Class<?> type) {
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a JSON array";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        return type == String.class ? "a string" : "a JSON object";
    }

    /**
     * Opens a bundle folder or {@code .zip}.
     *
     * @throws GraftException (usage) when the path is missing or not a complete bundle
     */
    public static Bundle open(Path path) {
        if (Files.isDirectory(path)) {
            if (!Files.isRegularFile(path.resolve(LABELS))) {
                throw GraftException.usage(path + " is not a Graft bundle (no " + LABELS + "); export one with "
                        + "'graft export RUN_DIR'");
            }
            return new Bundle(path, "");
        }
        if (!Files.isRegularFile(path)) {
            throw GraftException.usage("no such bundle folder or .zip: " + path);
        }
        try (ZipFile zip = new ZipFile(path.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                String name = entry.getName();
                if (name.equals(LABELS) || (name.endsWith("/" + LABELS) && name.indexOf('/') == name.length()
                        - LABELS.length() - 1)) {
                    return new Bundle(path, name.substring(0, name.length() - LABELS.length()));
                }
            }
        } catch (IOException e) {
            throw GraftException.usage(path + " is neither a bundle folder nor a readable .zip (" + e.getMessage()
                    + ")");
        }
        throw GraftException.usage(path + " is not a Graft bundle (no " + LABELS + " inside)");
    }

    /** The folder or zip this bundle was read from. */
    public Path source() {
        return source;
    }

    /** Class or label names in the order of the model's outputs; a regression bundle's one target name. */
    public List<String> labels() {
        return labels;
    }

    /** How images must be prepared for the model. */
    public Preprocessing preprocessing() {
        return preprocessing;
    }

    /** The manifest, or null for a bundle without one. */
    public BundleManifest manifest() {
        return manifest;
    }

    /** The model's head: single-label, multi-label or regression. */
    public HeadConfig.Problem problem() {
        return problem;
    }

    /** The test-time augmentation every engine applies (none for a bundle without {@code bundle.json}). */
    public List<dev.graft.config.EvaluationConfig.Tta> tta() {
        return manifest == null ? List.of() : manifest.ttaFlips();
    }

    /**
     * The decision rule of {@code bundle.json}: a binary threshold, a multi-label head's per-label thresholds, or
     * null when the bundle has neither.
     */
    DecisionRule decisionRule() {
        return decisionRule;
    }

    /** Whether the bundle has {@code file} (one of the constants above). */
    public boolean has(String file) {
        if (prefix.isEmpty() && Files.isDirectory(source)) {
            return Files.isRegularFile(source.resolve(file));
        }
        try (ZipFile zip = new ZipFile(source.toFile())) {
            return zip.getEntry(prefix + file) != null;
        } catch (IOException e) {
            return false;
        }
    }

    /** The bytes of {@code file}. */
    public byte[] read(String file) {
        try {
            if (Files.isDirectory(source)) {
                return Files.readAllBytes(source.resolve(file));
            }
            try (ZipFile zip = new ZipFile(source.toFile())) {
                ZipEntry entry = zip.getEntry(prefix + file);
                if (entry == null) {
                    throw GraftException.usage(source + " has no " + file);
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    return in.readAllBytes();
                }
            }
        } catch (IOException e) {
            throw new GraftException("cannot read " + file + " of bundle " + source + ": " + e.getMessage(), e);
        }
    }
}
