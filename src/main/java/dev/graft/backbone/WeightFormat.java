package dev.graft.backbone;

import dev.graft.GraftException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipFile;

/** The kinds of weight files Graft reads, recognised by content rather than by file name. */
public enum WeightFormat {
    /** {@code torch.save} zip format (PyTorch 1.6 and later). */
    TORCH_ZIP,
    /** {@code torch.save} legacy format (pickles followed by raw storages). */
    TORCH_LEGACY,
    /** A single {@code .safetensors} file. */
    SAFETENSORS,
    /** A Hugging Face transformers model folder ({@code config.json} + weights). */
    HUGGING_FACE,
    /** A DL4J model zip written by Graft ({@code configuration.json} + {@code coefficients.bin}). */
    DL4J_ZIP;

    /** What {@code path} holds; a {@link GraftException} naming the accepted formats when none fits. */
    public static WeightFormat detect(Path path) {
        if (!Files.exists(path)) {
            throw GraftException.usage("weights not found: " + path);
        }
        if (Files.isDirectory(path)) {
            if (Files.isRegularFile(path.resolve("config.json"))) {
                return HUGGING_FACE;
            }
            throw TorchCheckpointReader.notTorch(path, "a folder without config.json");
        }
        byte[] head = head(path, 16);
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return zipKind(path);
        }
        if (head.length >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5) {
            return TORCH_LEGACY;
        }
        if (head.length >= 9 && head[8] == '{' && head[7] == 0 && head[6] == 0) {
            return SAFETENSORS;
        }
        if (head.length == 0) {
            throw TorchCheckpointReader.notTorch(path, "the file is empty");
        }
        throw TorchCheckpointReader.notTorch(path, "unrecognised content (starts with "
                + printable(head) + ")");
    }

    static boolean isZip(Path file) {
        byte[] head = head(file, 4);
        return head.length == 4 && head[0] == 'P' && head[1] == 'K';
    }

    private static WeightFormat zipKind(Path path) {
        try (ZipFile zip = new ZipFile(path.toFile())) {
            if (zip.getEntry("configuration.json") != null && zip.getEntry("coefficients.bin") != null) {
                return DL4J_ZIP;
            }
            if (zip.stream().anyMatch(e -> e.getName().endsWith("data.pkl"))) {
                return TORCH_ZIP;
            }
            throw TorchCheckpointReader.notTorch(path, "a zip file holding neither data.pkl (PyTorch) nor"
                    + " configuration.json (DL4J)");
        } catch (IOException e) {
            throw new GraftException(path + " starts like a zip file but cannot be read as one ("
                    + TorchCheckpointReader.message(e) + "): truncated or damaged; re-download or re-save it",
                    GraftException.USAGE, e);
        }
    }

    private static byte[] head(Path file, int n) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(n);
        } catch (IOException e) {
            throw new GraftException("cannot read " + file + ": " + TorchCheckpointReader.message(e),
                    GraftException.USAGE, e);
        }
    }

    private static String printable(byte[] head) {
        StringBuilder sb = new StringBuilder("\"");
        for (byte b : head) {
            sb.append(b >= 32 && b < 127 ? String.valueOf((char) b) : ".");
        }
        return sb.append('"').toString();
    }
}
