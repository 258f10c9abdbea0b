package dev.graft.train;

import dev.graft.GraftException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;

/**
 * Fixed-size float records on disk, one file per view: the frozen part's output for each image. Disk keeps
 * memory bounded whatever the dataset size; the OS page cache makes re-reads fast. Not thread-safe.
 */
final class FeatureStore implements AutoCloseable {
    private final Path folder;
    private final int recordFloats;
    private final int records;
    private final FileChannel[] views;
    private final BitSet[] written;
    private final ByteBuffer buffer;

    FeatureStore(Path folder, String name, int views, int records, int recordFloats) {
        this.folder = folder;
        this.recordFloats = recordFloats;
        this.records = records;
        this.views = new FileChannel[views];
        this.written = new BitSet[views];
        this.buffer = ByteBuffer.allocateDirect(recordFloats * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        try {
            Files.createDirectories(folder);
            for (int v = 0; v < views; v++) {
                this.views[v] = FileChannel.open(folder.resolve(name + "-view" + v + ".f32"),
                        StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                this.written[v] = new BitSet(records);
            }
        } catch (IOException e) {
            throw new GraftException("cannot create the feature cache in " + folder + ": " + e, e);
        }
    }

    /** Bytes this store needs when full. */
    static long bytes(int views, int records, long recordFloats) {
        return (long) views * records * recordFloats * Float.BYTES;
    }

    int recordFloats() {
        return recordFloats;
    }

    boolean has(int view, int index) {
        return written[view].get(index);
    }

    /** True when every image of {@code view} is stored. */
    boolean complete(int view) {
        return written[view].cardinality() == records;
    }

    void put(int view, int index, float[] values) {
        buffer.clear();
        buffer.asFloatBuffer().put(values, 0, recordFloats);
        buffer.limit(recordFloats * Float.BYTES);
        try {
            long at = (long) index * recordFloats * Float.BYTES;
            while (buffer.hasRemaining()) {
                at += views[view].write(buffer, at);
            }
        } catch (IOException e) {
            throw new GraftException("cannot write the feature cache in " + folder + ": " + e
                    + " (is the disk full? set train.cache_features: false)", e);
        }
        written[view].set(index);
    }

    /** Copies record {@code index} of {@code view} into {@code out} at {@code offset}. */
    void get(int view, int index, float[] out, int offset) {
        buffer.clear();
        try {
            long at = (long) index * recordFloats * Float.BYTES;
            while (buffer.hasRemaining()) {
                int n = views[view].read(buffer, at);
                if (n < 0) {
                    throw new IOException("short read");
                }
                at += n;
            }
        } catch (IOException e) {
            throw new GraftException("cannot read the feature cache in " + folder + ": " + e, e);
        }
        buffer.flip();
        buffer.asFloatBuffer().get(out, offset, recordFloats);
    }

    /** Closes and deletes the files. */
    @Override
    public void close() {
        for (int v = 0; v < views.length; v++) {
            try {
                views[v].close();
            } catch (IOException ignored) {
                // deleting below is what matters
            }
        }
        try (var files = Files.list(folder)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(folder);
        } catch (IOException e) {
            // a leftover cache folder is harmless; the next run truncates its files
        }
    }
}
