package dev.graft.run;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.graft.AtomicFiles;
import dev.graft.GraftException;
import dev.graft.config.ExperimentConfig;
import dev.graft.config.YamlFiles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * One run's folder, {@code experiments/<name>/<yyyyMMdd-HHmmss>[-n]/}, which describes itself:
 * {@code config.yaml} (resolved), {@code provenance.json}, {@code train.log} and {@code status} (how the run
 * stands or ended, {@link RunStatus}); later stages add metrics, checkpoints, reports and exports. Every file is
 * written atomically (temporary name, then rename); temporaries that a killed process left behind are removed
 * when the run is opened again.
 */
public final class RunDirectory implements AutoCloseable {
    public static final String CONFIG = "config.yaml";
    public static final String PROVENANCE = "provenance.json";
    public static final String LOG = "train.log";
    public static final String STATUS = "status";

    /** The per-image predictions final evaluation writes for a split ({@code val}, {@code test}) into a run folder. */
    public static Path predictionsCsv(Path runFolder, String splitId) {
        return runFolder.resolve(splitId + "-predictions.csv");
    }

    /** RFC 4180 rows as string arrays, the format predictions files are written in (cells quoted when needed). */
    private static final CsvMapper PREDICTIONS = CsvMapper.builder().enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES).build();

    /** The rows of a predictions file ({@link #predictionsCsv}), header first, read as they are needed. */
    public static MappingIterator<String[]> predictionRows(Path csv) throws IOException {
        return PREDICTIONS.readerFor(String[].class).readValues(csv.toFile());
    }
    private static final Logger LOGGER = LoggerFactory.getLogger(RunDirectory.class);
    /** Lines for train.log only (log4j2.xml keeps them off the console, which shows them its own way). */
    private static final Marker RUN_LOG_ONLY = MarkerFactory.getMarker("RUN_LOG_ONLY");
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

    /**
     * Re-opens an existing run folder (to resume it); its train.log is appended to, and the temporaries an
     * interrupted process left (a checkpoint half written at kill -9, an export abandoned by a second Ctrl-C) are
     * removed.
     */
    public static RunDirectory open(Path existing) {
        if (!Files.isRegularFile(existing.resolve(CONFIG))) {
            throw GraftException.usage(existing + " is not a Graft run folder (no " + CONFIG + ")");
        }
        RunDirectory run = new RunDirectory(existing);
        StaleTemporaries.remove(existing);
        return run;
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

    /** Writes {@code status} ({@code status} and {@code reason}) and notes the change in train.log. */
    public void status(RunStatus status, String reason) {
        String why = reason == null ? "" : reason.strip();
        writeString(STATUS, status.word() + "\n" + why + "\n");
        note("status: " + status.word() + (why.isEmpty() ? "" : " (" + why + ")"));
    }

    /** The state the {@code status} file records; empty for runs of Graft versions before it. */
    public Optional<RunStatus> status() {
        try {
            List<String> lines = Files.readAllLines(path.resolve(STATUS));
            return lines.isEmpty() ? Optional.empty() : Optional.of(RunStatus.of(lines.get(0)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            throw new GraftException("cannot read " + path.resolve(STATUS) + ": " + e.getMessage(), e);
        }
    }

    /** A line for train.log only, for what the command line prints itself (its result, the export's files). */
    public void note(String line) {
        LOGGER.info(RUN_LOG_ONLY, line);
    }

    /**
     * Records that {@code error} ended the run: train.log gets the error (with the stack trace when it is not a
     * {@link GraftException}, i.e. an internal error), and the status file says {@code failed} and why.
     */
    public void failed(Throwable error) {
        boolean expected = error instanceof GraftException;
        String reason = expected ? error.getMessage() : "internal error: " + error;
        if (expected) {
            LOGGER.error(RUN_LOG_ONLY, "error: {}", reason);
        } else {
            LOGGER.error(RUN_LOG_ONLY, reason, error);
        }
        status(RunStatus.FAILED, reason);
    }

    /** Closes the log and deletes the folder (a start that failed before anything was trained). */
    public void discard() {
        log.close();
        StaleTemporaries.deleteTree(path);
    }

    /** Detaches the run's log file. */
    @Override
    public void close() {
        log.close();
    }
}
