package dev.graft.export;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.graft.GraftException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
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

    private Bundle(Path source, String prefix) {
        this.source = source;
        this.prefix = prefix;
        try {
            this.labels = List.copyOf(JSON.readValue(read(LABELS), new TypeReference<List<String>>() { }));
            this.preprocessing = JSON.readValue(read(PREPROCESSING), Preprocessing.class);
            this.manifest = has(MANIFEST) ? JSON.readValue(read(MANIFEST), BundleManifest.class) : null;
        } catch (IOException e) {
            throw GraftException.usage(source + " is not a valid Graft bundle: " + e.getMessage());
        }
        if (labels.size() < 2) {
            throw GraftException.usage(source + ": " + LABELS + " lists " + labels.size() + " classes");
        }
        if (!has(DL4J_MODEL) && !has(ONNX_MODEL)) {
            throw GraftException.usage(source + " holds neither " + DL4J_MODEL + " nor " + ONNX_MODEL);
        }
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

    /** Class names in the order of the model's outputs. */
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
