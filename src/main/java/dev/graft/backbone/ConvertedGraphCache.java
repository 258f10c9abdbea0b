package dev.graft.backbone;

import dev.graft.AtomicFiles;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Keeps a checkpoint's conversion so the next load skips parsing it: the flat float32 parameter vector of the
 * converted graph, whose configuration is rebuilt from the spec (milliseconds). This is several times faster
 * than DL4J's own model zip, whose writing alone takes seconds for a ResNet-50.
 *
 * <p>The file sits next to the source ({@code resnet50-0676ba61.pth.graft-3f2a9c01d4.params}), or in the weights
 * store's {@code converted/} folder when the source folder is not writable. Its name carries a key made of the
 * source's size and modification time and the architecture, so a changed source is converted afresh; its
 * header holds a digest of the graph configuration, so a new Graft graph layout never reads stale parameters.
 * Older entries for the same source are removed.
 */
public final class ConvertedGraphCache {
    private static final Logger LOG = LoggerFactory.getLogger(ConvertedGraphCache.class);
    private static final String MAGIC = "graft-params-v1";

    private final WeightStore store;

    /** A cache falling back to {@code store}'s {@code converted/} folder next to read-only sources. */
    public ConvertedGraphCache(WeightStore store) {
        this.store = store;
    }

    /** A cache hit: the classifier size the source had and the parameters of the configuration built for it. */
    public record Entry(int numClasses, INDArray params) {
    }

    /** How the cache learns the configuration an entry must match, given its classifier size. */
    @FunctionalInterface
    public interface Configurations {
        ComputationGraphConfiguration forClasses(int numClasses);
    }

    /** The cached parameters of {@code source} converted for {@code spec}, when present and still valid. */
    public Optional<Entry> load(Path source, ResNetSpec spec, Configurations configurations) {
        for (Path candidate : candidates(source, spec)) {
            if (Files.isRegularFile(candidate)) {
                try {
                    return read(candidate, configurations);
                } catch (IOException e) { // damaged or foreign file: convert again, and overwrite it
                    LOG.warn("ignoring unreadable converted cache {}: {}", candidate, e.getMessage());
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Saves the converted parameters; returns where, or empty when no folder was writable.
     *
     * @param configurationDigest {@link #digest} of the configuration as built, before a graph initialised it
     *                            (initialisation adds state to the configuration)
     */
    public Optional<Path> save(Path source, ResNetSpec spec, String configurationDigest, int numClasses,
                               INDArray params) {
        float[] values = params.toFloatVector();
        String header = MAGIC + " " + numClasses + " " + values.length + " " + configurationDigest + "\n";
        for (Path target : candidates(source, spec)) {
            try {
                AtomicFiles.write(target, out -> write(out, header, values));
                removeStale(target, source);
                return Optional.of(target);
            } catch (IOException e) { // read-only folder, disk full: try the next place
                LOG.debug("cannot cache the conversion at {}: {}", target, e.getMessage());
            }
        }
        LOG.warn("could not cache the conversion of {}; the next load converts again", source);
        return Optional.empty();
    }

    private static void write(OutputStream out, String header, float[] values) throws IOException {
        DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out, 1 << 20));
        data.write(header.getBytes(StandardCharsets.US_ASCII));
        ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            if (!chunk.hasRemaining()) {
                data.write(chunk.array(), 0, chunk.position());
                chunk.clear();
            }
            chunk.putFloat(v);
        }
        data.write(chunk.array(), 0, chunk.position());
        data.flush();
    }

    private static Optional<Entry> read(Path file, Configurations configurations) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            String[] header = readLine(in).split(" ");
            if (header.length != 4 || !header[0].equals(MAGIC)) {
                throw new IOException("not a Graft parameter cache");
            }
            int classes = count(header[1]);
            int n = count(header[2]);
            if (!digest(configurations.forClasses(classes)).equals(header[3])) {
                LOG.info("the converted cache {} is from another graph layout; converting again", file);
                return Optional.empty();
            }
            byte[] bytes = in.readNBytes(n * 4);
            if (bytes.length != n * 4) {
                throw new IOException("truncated");
            }
            float[] values = new float[n];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            return Optional.of(new Entry(classes, Nd4j.createFromArray(values).reshape(1, n)));
        }
    }

    /** A non-negative count from the header; a damaged header is an I/O failure like any other. */
    private static int count(String text) throws IOException {
        if (!text.matches("[0-9]{1,9}")) {
            throw new IOException("bad header count '" + text + "'");
        }
        return Integer.parseInt(text);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0 || sb.length() > 200) {
                throw new IOException("bad header");
            }
            sb.append((char) c);
        }
        return sb.toString();
    }

    private Path[] candidates(Path source, ResNetSpec spec) {
        String name = source.getFileName() + ".graft-" + key(source, spec) + ".params";
        Path folder = Files.isDirectory(source) ? source : source.toAbsolutePath().getParent();
        Path nextTo = folder.resolve(name);
        try {
            Path fallback = store.convertedDir().resolve(name);
            return writable(folder) ? new Path[] {nextTo, fallback} : new Path[] {fallback, nextTo};
        } catch (IOException e) {
            return new Path[] {nextTo};
        }
    }

    /**
     * True when Graft may add files to {@code folder}: writable, and (where POSIX permissions exist) not marked
     * read-only for everyone, which root would otherwise ignore (shared read-only weight folders).
     */
    static boolean writable(Path folder) {
        if (!Files.isWritable(folder)) {
            return false;
        }
        try {
            return Files.getPosixFilePermissions(folder).stream().anyMatch(p -> p.name().endsWith("_WRITE"));
        } catch (UnsupportedOperationException | IOException e) {
            return true;
        }
    }

    /** Size + modification time of the source (for folders: of every file in it) with the architecture. */
    static String key(Path source, ResNetSpec spec) {
        StringBuilder sb = new StringBuilder(spec.withClasses(0).withName("x").describe());
        try {
            if (Files.isDirectory(source)) {
                try (var files = Files.list(source)) {
                    files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().contains(".graft-"))
                            .sorted().forEach(f -> sb.append('|').append(stamp(f)));
                }
            } else {
                sb.append('|').append(stamp(source));
            }
        } catch (IOException e) {
            sb.append("|unreadable");
        }
        return sha(sb.toString()).substring(0, 10);
    }

    /** A short digest of a freshly built configuration, identifying the graph layout of cached parameters. */
    public static String digest(ComputationGraphConfiguration conf) {
        return sha(conf.toJson()).substring(0, 16);
    }

    private static String sha(String text) {
        return Sha256.hex(Sha256.digest().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String stamp(Path file) {
        try {
            return file.getFileName() + ":" + Files.size(file) + ":" + Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return file.getFileName() + ":?";
        }
    }

    private static void removeStale(Path keep, Path source) {
        String prefix = source.getFileName() + ".graft-";
        try (DirectoryStream<Path> siblings = Files.newDirectoryStream(keep.getParent(), prefix + "*.params")) {
            for (Path p : siblings) {
                if (!p.equals(keep)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            LOG.debug("could not remove stale caches next to {}: {}", keep, e.getMessage());
        }
    }
}
