package dev.graft.sweep;

import dev.graft.AtomicFiles;
import dev.graft.Threads;
import dev.graft.train.StopSignal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A stop request for a trial training in another process (a Spark executor): the sweep writes
 * {@value #NAME} (the reason) into the trial's run folder, which the executor sees through the shared filesystem;
 * a watcher there turns it into the trial's {@link StopSignal}, so the trial stops after its batch with a
 * {@code last.zip}, as a local trial does on Ctrl-C.
 */
final class StopFile {
    static final String NAME = "stop-request";
    private static final long POLL_MS = 500;

    private StopFile() {
    }

    /** Asks the trial training in {@code runDir} to stop, for {@code reason}. */
    static void request(Path runDir, String reason) {
        try {
            AtomicFiles.writeString(runDir.resolve(NAME), reason == null ? "stop requested" : reason);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot ask the trial in " + runDir + " to stop", e);
        }
    }

    /** Removes a request (one left from an earlier attempt, or sent after the trial had ended). */
    static void clear(Path runDir) throws IOException {
        Files.deleteIfExists(runDir.resolve(NAME));
    }

    /**
     * Watches {@code runDir} for a stop request and passes it to {@code stop}, until closed. A request written
     * before the watch started counts too: the sweep {@link #clear}s stale ones before it starts a trial.
     */
    static Watch watch(Path runDir, StopSignal stop) {
        Path file = runDir.resolve(NAME);
        ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(
                Threads.daemons("graft-stop-watch"));
        poller.scheduleWithFixedDelay(() -> {
            try {
                if (Files.isRegularFile(file) && !stop.requested()) {
                    stop.request(Files.readString(file).strip());
                }
            } catch (IOException e) {
                // read again at the next poll (the file may be being replaced)
            }
        }, 0, POLL_MS, TimeUnit.MILLISECONDS);
        return new Watch(poller);
    }

    /** A running watch; closing it stops watching. */
    record Watch(ScheduledExecutorService poller) implements AutoCloseable {
        @Override
        public void close() {
            poller.shutdownNow();
        }
    }
}
