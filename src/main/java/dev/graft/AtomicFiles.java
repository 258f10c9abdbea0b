package dev.graft;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes files so that a crash, Ctrl-C or full disk never leaves a half-written file under the final name:
 * data goes to a temporary file in the same folder, which is then renamed into place.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Something that writes a whole file's content to a stream. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    public static void writeString(Path target, String content) throws IOException {
        write(target, out -> out.write(content.getBytes(StandardCharsets.UTF_8)));
    }

    public static void write(Path target, Writer writer) throws IOException {
        writeVia(target, tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writer.write(out);
            }
        });
    }

    /** A writer that needs a file path (e.g. DL4J's ModelSerializer); it writes to the temporary path given. */
    @FunctionalInterface
    public interface PathWriter {
        void write(Path temporary) throws IOException;
    }

    public static void writeVia(Path target, PathWriter writer) throws IOException {
        Path folder = target.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        Path tmp = Files.createTempFile(folder, "." + target.getFileName() + ".", ".tmp");
        try {
            writer.write(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
