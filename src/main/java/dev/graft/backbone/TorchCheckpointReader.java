package dev.graft.backbone;

import dev.graft.GraftException;
import dev.graft.backbone.TorchUnpickler.StorageRef;
import dev.graft.backbone.TorchUnpickler.TensorRef;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads {@code torch.save} files in both formats PyTorch writes:
 * <ul>
 *   <li>zip (PyTorch 1.6+): {@code <name>/data.pkl} plus one {@code <name>/data/<key>} entry per storage;</li>
 *   <li>legacy: pickles of the magic number, protocol version and system info, the object pickle, the
 *       pickled list of storage keys, then per storage an int64 element count and the raw data.</li>
 * </ul>
 * The object is then searched for its state dict ({@link StateDictExtractor}).
 */
final class TorchCheckpointReader {
    private static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);

    private TorchCheckpointReader() {
    }

    /** The state dict of a PyTorch file in either format. */
    static StateDict read(Path file) {
        try {
            return WeightFormat.isZip(file) ? readZip(file) : readLegacy(file);
        } catch (EOFException e) {
            throw truncated(file, e);
        } catch (IOException e) { // unreadable file, damaged zip or pickle (TorchUnpickler reports those as I/O)
            throw new GraftException("cannot read PyTorch checkpoint " + file + ": " + message(e)
                    + " (is the file complete? re-download or re-save it with torch.save)", GraftException.USAGE, e);
        }
    }

    private static StateDict readZip(Path file) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String prefix = null;
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                if (name.endsWith("data.pkl") && (prefix == null || name.length() < prefix.length() + 8)) {
                    prefix = name.substring(0, name.length() - "data.pkl".length());
                }
            }
            if (prefix == null) {
                throw GraftException.usage(file + " is a zip file but not a PyTorch checkpoint (no data.pkl)");
            }
            ZipEntry order = zip.getEntry(prefix + "byteorder");
            boolean big = order != null && "big".equals(new String(zip.getInputStream(order).readAllBytes(),
                    StandardCharsets.US_ASCII).trim());
            ByteOrder byteOrder = big ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            Object root;
            try (InputStream in = new BufferedInputStream(zip.getInputStream(zip.getEntry(prefix + "data.pkl")))) {
                root = TorchUnpickler.loadOne(in);
            }
            String dataPrefix = prefix;
            Map<String, ByteBuffer> cache = new HashMap<>();
            return StateDictExtractor.extract(root, file.toString(), ref -> cache.computeIfAbsent(ref.key(), key -> {
                ZipEntry entry = zip.getEntry(dataPrefix + "data/" + key);
                if (entry == null) {
                    throw GraftException.usage(file + " lacks the data of storage " + key + " (truncated file?)");
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    return DType.view(in.readAllBytes(), byteOrder);
                } catch (IOException e) {
                    throw new GraftException("cannot read storage " + key + " of " + file + ": " + message(e),
                            GraftException.USAGE, e);
                }
            }));
        } catch (ZipException e) {
            throw new GraftException(file + " is not a readable zip file (" + e.getMessage()
                    + "): truncated or damaged; re-download or re-save it", GraftException.USAGE, e);
        }
    }

    private static StateDict readLegacy(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            Object magic = TorchUnpickler.loadOne(in);
            if (!(magic instanceof Number n) || !LEGACY_MAGIC.equals(new BigInteger(n.toString()))) {
                throw notTorch(file, "a Python pickle, but not one written by torch.save");
            }
            TorchUnpickler.loadOne(in); // protocol version
            Object sysInfo = TorchUnpickler.loadOne(in);
            ByteOrder order = sysInfo instanceof Map<?, ?> m && Boolean.FALSE.equals(m.get("little_endian"))
                    ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            Object root = TorchUnpickler.loadOne(in);
            Map<String, StorageRef> refs = StateDictExtractor.storages(root);
            Object keys = TorchUnpickler.loadOne(in);
            if (!(keys instanceof List<?> keyList)) {
                throw notTorch(file, "no storage key list after the object pickle");
            }
            Map<String, ByteBuffer> storages = new HashMap<>();
            for (Object key : keyList) {
                StorageRef ref = refs.get(String.valueOf(key));
                long numel = ByteBuffer.wrap(readFully(in, 8)).order(order).getLong();
                if (ref == null || numel < 0 || numel * ref.dtype().size() > Integer.MAX_VALUE) {
                    throw notTorch(file, "bad storage record " + key);
                }
                storages.put(ref.key(), DType.view(readFully(in, (int) (numel * ref.dtype().size())), order));
            }
            return StateDictExtractor.extract(root, file.toString(), ref -> storages.get(ref.key()));
        }
    }

    private static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] data = in.readNBytes(n);
        if (data.length != n) {
            throw new EOFException("file ends " + (n - data.length) + " bytes early");
        }
        return data;
    }

    private static GraftException truncated(Path file, Exception e) {
        return new GraftException(file + " is truncated (" + message(e) + "); re-download or re-save it",
                GraftException.USAGE, e);
    }

    static GraftException notTorch(Path file, String why) {
        return GraftException.usage(file + " is not a PyTorch checkpoint: " + why
                + ". Expected a torch.save file (.pth/.pt/.th), a Hugging Face folder, a .safetensors file or a"
                + " Graft DL4J .zip");
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** Storage lookup used while turning {@link TensorRef}s into tensors. */
    interface Storages {
        ByteBuffer data(StorageRef ref);
    }
}
