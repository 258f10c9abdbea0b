package dev.graft.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.graft.AtomicFiles;
import dev.graft.GraftException;
import dev.graft.config.ExperimentConfig;
import dev.graft.config.YamlFiles;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * One run's folder, {@code experiments/<name>/<yyyyMMdd-HHmmss>[-n]/}, which describes itself:
 * {@code config.yaml} (resolved), {@code provenance.json} and {@code train.log}; later stages add metrics,
 * checkpoints, reports and exports. Every file is written atomically (temporary name, then rename).
 */
public final class RunDirectory implements AutoCloseable {
    public static final String CONFIG = "config.yaml";
    public static final String PROVENANCE = "provenance.json";
    public static final String LOG = "train.log";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Path path;
    private final RunLog log;

    private RunDirectory(Path path) {
        this.path = path;
        this.log = new RunLog(path.resolve(LOG));
    }

    /**
     * Creates a new run folder under {@code experimentsRoot} and writes the resolved config and provenance.
     * Two runs started in the same second get {@code -1}, {@code -2}, ... suffixes.
     */
    public static RunDirectory create(Path experimentsRoot, ExperimentConfig config, Provenance provenance,
                                      LocalDateTime now) {
        Path parent = experimentsRoot.resolve(config.name());
        try {
            Files.createDirectories(parent);
            Path dir = reserve(parent, STAMP.format(now));
            RunDirectory run = new RunDirectory(dir);
            run.writeString(CONFIG, YamlFiles.toYaml(config));
            run.writeJson(PROVENANCE, provenance);
            return run;
        } catch (IOException e) {
            throw new GraftException("cannot create the run folder under " + parent + ": " + e.getMessage(), e);
        }
    }

    /** Re-opens an existing run folder (to resume it); its train.log is appended to. */
    public static RunDirectory open(Path existing) {
        if (!Files.isRegularFile(existing.resolve(CONFIG))) {
            throw GraftException.usage(existing + " is not a Graft run folder (no " + CONFIG + ")");
        }
        return new RunDirectory(existing);
    }

    private static Path reserve(Path parent, String stamp) throws IOException {
        for (int n = 0; ; n++) {
            Path candidate = parent.resolve(n == 0 ? stamp : stamp + "-" + n);
            try {
                return Files.createDirectory(candidate); // atomic: two processes never share a folder
            } catch (FileAlreadyExistsException e) {
                // taken in the same second; try the next suffix
            }
        }
    }

    public Path path() {
        return path;
    }

    public Path resolve(String relative) {
        return path.resolve(relative);
    }

    public void writeString(String relative, String content) {
        try {
            AtomicFiles.writeString(path.resolve(relative), content);
        } catch (IOException e) {
            throw new GraftException("cannot write " + path.resolve(relative) + ": " + e.getMessage(), e);
        }
    }

    public void writeBytes(String relative, byte[] content) {
        try {
            AtomicFiles.write(path.resolve(relative), out -> out.write(content));
        } catch (IOException e) {
            throw new GraftException("cannot write " + path.resolve(relative) + ": " + e.getMessage(), e);
        }
    }

    public void writeJson(String relative, Object value) {
        try {
            writeString(relative, JSON.writeValueAsString(value) + "\n");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot render " + relative, e);
        }
    }

    /** Detaches the run's log file. */
    @Override
    public void close() {
        log.close();
    }
}
