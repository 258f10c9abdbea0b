package dev.graft.backbone;

import dev.graft.GraftException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The folder holding downloaded weights ({@code ~/.cache/graft/weights}, or {@code $GRAFT_WEIGHTS_DIR}) and
 * converted graphs whose source folder is not writable.
 */
public final class WeightStore {
    /** Environment variable naming the weights folder. */
    public static final String ENV = "GRAFT_WEIGHTS_DIR";

    private final Path dir;
    private final WeightDownloader downloader;

    /** A store in {@code dir} fetching missing files with {@code downloader}. */
    public WeightStore(Path dir, WeightDownloader downloader) {
        this.dir = dir;
        this.downloader = downloader;
    }

    /** {@code $GRAFT_WEIGHTS_DIR}, else {@code ~/.cache/graft/weights}, with the standard downloader. */
    public static WeightStore fromEnvironment() {
        return new WeightStore(defaultDir(System.getenv(), System.getProperty("user.home")),
                WeightDownloader.standard());
    }

    /** The weights folder for an environment and home folder. */
    public static Path defaultDir(Map<String, String> env, String userHome) {
        String override = env.get(ENV);
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        return Path.of(userHome, ".cache", "graft", "weights");
    }

    /** The weights folder. */
    public Path dir() {
        return dir;
    }

    /** Where {@code weights} are (or will be) kept. */
    public Path pathOf(PretrainedWeights weights) {
        return dir.resolve(weights.fileName());
    }

    /** The local file of {@code weights}, downloading it first when missing. */
    public Path ensure(PretrainedWeights weights) {
        return downloader.download(weights.url(), weights.sha256(), pathOf(weights));
    }

    /** Checks a kept file against its published sha256 (files put there by hand included). */
    public void verify(PretrainedWeights weights, Path file) {
        try {
            String actual = Sha256.of(file);
            if (!Sha256.matches(actual, weights.sha256())) {
                throw new GraftException(file + " is not " + weights.arch() + " " + weights.variant()
                        + ": sha256 " + actual + ", expected " + weights.sha256()
                        + (weights.fullDigest() ? "" : "...") + ". Delete it and run again to download "
                        + weights.url());
            }
        } catch (IOException e) {
            throw new GraftException("cannot read " + file + ": " + TorchCheckpointReader.message(e), e);
        }
    }

    /** A folder for converted graphs whose source folder is read-only. */
    public Path convertedDir() throws IOException {
        return Files.createDirectories(dir.resolve("converted"));
    }
}
