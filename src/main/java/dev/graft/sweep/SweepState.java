package dev.graft.sweep;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.graft.AtomicFiles;
import dev.graft.GraftException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The sweep's record: every trial's values, status, objective and run folder, kept in {@code sweep-state.json}
 * (what {@code --resume} reads) and mirrored to {@code trials.csv}. Both are rewritten atomically whenever a
 * trial starts or ends. Thread-safe: parallel trials report here.
 */
final class SweepState {
    static final String STATE = "sweep-state.json";
    static final String CSV = "trials.csv";
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The file's layout. */
    record Saved(List<String> keys, List<TrialRecord> trials) {
    }

    private final Path dir;
    private final List<String> keys;
    private final TreeMap<Integer, TrialRecord> trials = new TreeMap<>();

    private SweepState(Path dir, List<String> keys) {
        this.dir = dir;
        this.keys = List.copyOf(keys);
    }

    /** A new, empty record (written at once). */
    static SweepState create(Path dir, List<String> keys) {
        SweepState state = new SweepState(dir, keys);
        state.write();
        return state;
    }

    /** The record of an existing sweep folder. */
    static SweepState load(Path dir, List<String> keys) {
        Path file = dir.resolve(STATE);
        Saved saved;
        try {
            saved = JSON.readValue(file.toFile(), Saved.class);
        } catch (IOException e) {
            throw new GraftException(Files.exists(file) ? "cannot read " + file + ": " + e.getMessage()
                    : dir + " is not a sweep folder (no " + STATE + ")", GraftException.USAGE, e);
        }
        if (!saved.keys().equals(keys)) {
            throw GraftException.usage(file + " records the keys " + saved.keys() + " but sweep.yaml searches "
                    + keys + "; start a new sweep instead");
        }
        SweepState state = new SweepState(dir, keys);
        saved.trials().forEach(t -> state.trials.put(t.trial(), t));
        return state;
    }

    synchronized Optional<TrialRecord> get(int trial) {
        return Optional.ofNullable(trials.get(trial));
    }

    synchronized void put(TrialRecord record) {
        trials.put(record.trial(), record);
        write();
    }

    /** Every recorded trial, by trial number. */
    synchronized List<TrialRecord> all() {
        return List.copyOf(trials.values());
    }

    List<String> keys() {
        return keys;
    }

    private void write() {
        try {
            String json = JSON.writeValueAsString(new Saved(keys, new ArrayList<>(trials.values())));
            AtomicFiles.writeString(dir.resolve(STATE), json + "\n");
            AtomicFiles.writeString(dir.resolve(CSV), csv(new ArrayList<>(trials.values()), keys));
        } catch (IOException e) {
            throw new GraftException("cannot write the sweep record in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** {@code trial, <every searched key>, objective, status, seconds, best_epoch, epochs, run, message}. */
    static String csv(List<TrialRecord> records, List<String> keys) {
        StringBuilder out = new StringBuilder("trial");
        keys.forEach(k -> out.append(',').append(cell(k)));
        out.append(",objective,status,seconds,best_epoch,epochs,run,message\n");
        for (TrialRecord r : records) {
            out.append(r.trial());
            keys.forEach(k -> out.append(',').append(cell(TrialPoint.display(r.values().get(k)))));
            out.append(',').append(r.objective() == null ? "" : String.format(Locale.ROOT, "%.6g", r.objective()))
                    .append(',').append(r.status())
                    .append(',').append(String.format(Locale.ROOT, "%.1f", r.seconds()))
                    .append(',').append(r.bestEpoch())
                    .append(',').append(r.epochs())
                    .append(',').append(cell(r.run() == null ? "" : r.run()))
                    .append(',').append(cell(r.message() == null ? "" : r.message()))
                    .append('\n');
        }
        return out.toString();
    }

    private static String cell(String text) {
        if (text.contains(",") || text.contains("\"") || text.contains("\n")) {
            return "\"" + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }
}
