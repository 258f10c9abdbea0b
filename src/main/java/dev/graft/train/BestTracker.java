package dev.graft.train;

import dev.graft.AtomicFiles;
import dev.graft.GraftException;
import dev.graft.config.CheckpointConfig;
import dev.graft.config.Monitor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Keeps the {@code keep_best} best checkpoints by the monitored metric as {@code best-eNNN.zip}, with the very
 * best also as {@code best.zip}; checkpoints that drop out of the top are deleted.
 */
final class BestTracker {
    static final String BEST = "best.zip";

    private final Path folder;
    private final int keep;
    private final Comparator<TrainState.BestCheckpoint> order;
    private final List<TrainState.BestCheckpoint> entries;

    BestTracker(Path folder, CheckpointConfig config, List<TrainState.BestCheckpoint> existing) {
        this.folder = folder;
        this.keep = config.keepBest();
        Comparator<TrainState.BestCheckpoint> byValue = Comparator.comparingDouble(TrainState.BestCheckpoint::value);
        // Best first; an earlier epoch wins a tie.
        this.order = (Monitor.lowerIsBetter(config.monitor()) ? byValue : byValue.reversed())
                .thenComparingInt(TrainState.BestCheckpoint::epoch);
        this.entries = new ArrayList<>(existing);
    }

    List<TrainState.BestCheckpoint> entries() {
        return List.copyOf(entries);
    }

    /**
     * Offers an epoch's value; when it makes the top {@code keep}, {@code writer} writes its checkpoint.
     * Returns whether it is the new best.
     */
    boolean offer(int epoch, double value, Consumer<Path> writer) {
        if (Double.isNaN(value)) {
            return false;
        }
        var candidate = new TrainState.BestCheckpoint(String.format(Locale.ROOT, "best-e%03d.zip", epoch), epoch,
                value);
        List<TrainState.BestCheckpoint> ranked = new ArrayList<>(entries);
        ranked.add(candidate);
        ranked.sort(order);
        if (ranked.indexOf(candidate) >= keep) {
            return false;
        }
        List<TrainState.BestCheckpoint> dropped = ranked.size() > keep
                ? new ArrayList<>(ranked.subList(keep, ranked.size())) : List.of();
        entries.clear();
        entries.addAll(ranked.subList(0, Math.min(keep, ranked.size())));
        Path file = folder.resolve(candidate.file());
        writer.accept(file);
        boolean isBest = entries.get(0).equals(candidate);
        try {
            if (isBest) {
                AtomicFiles.writeVia(folder.resolve(BEST),
                        tmp -> Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING));
            }
            for (var old : dropped) {
                Files.deleteIfExists(folder.resolve(old.file()));
            }
        } catch (IOException e) {
            throw new GraftException("cannot update the best checkpoint in " + folder + ": " + e.getMessage(), e);
        }
        return isBest;
    }
}
