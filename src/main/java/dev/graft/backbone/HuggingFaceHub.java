package dev.graft.backbone;

import dev.graft.GraftException;
import dev.graft.config.HubId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Fetches a Hugging Face Hub ResNet ({@link HubId}) into a local Hugging Face folder under the weights store:
 * {@code <store>/hf/<org>/<name>/<revision>/} holding {@code config.json}, {@code model.safetensors} (else
 * {@code pytorch_model.bin}) and {@code preprocessor_config.json}, each downloaded once from
 * {@code <endpoint>/<org>/<name>/resolve/<revision>/<file>} and recorded with its sha256 in
 * {@code SHA256SUMS}. A complete folder is used without touching the network, so a run works offline after
 * one fetch. The Hub announces the sha256 of large (LFS) files in {@code X-Linked-Etag} / {@code ETag} (also on
 * the redirect to its CDN); when it does, the body is checked against it.
 */
public final class HuggingFaceHub {
    /** Graft's environment variable naming the Hub (or a mirror). */
    public static final String ENV = "GRAFT_HF_ENDPOINT";
    /** The Hugging Face libraries' own variable, honoured when {@link #ENV} is unset. */
    public static final String HF_ENV = "HF_ENDPOINT";
    /** The public Hub. */
    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");
    /** The files Graft reads, besides the weights. */
    static final String CONFIG = "config.json";
    static final String PREPROCESSOR = "preprocessor_config.json";
    /** Weight files in order of preference. */
    static final List<String> WEIGHTS = List.of("model.safetensors", "pytorch_model.bin");
    static final String SUMS = "SHA256SUMS";

    private static final Logger LOG = LoggerFactory.getLogger(HuggingFaceHub.class);

    private final URI endpoint;
    private final Path root;
    private final WeightDownloader downloader;

    /** Files of {@code endpoint} kept under {@code storeDir/hf}, fetched with {@code downloader}. */
    public HuggingFaceHub(URI endpoint, Path storeDir, WeightDownloader downloader) {
        String base = endpoint.toString();
        this.endpoint = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        this.root = storeDir.resolve("hf");
        this.downloader = downloader;
    }

    /** The endpoint from {@value #ENV}, else {@value #HF_ENV}, else {@link #DEFAULT_ENDPOINT}. */
    public static URI endpoint(Map<String, String> env) {
        for (String name : List.of(ENV, HF_ENV)) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                URI uri = URI.create(value.strip());
                if (uri.getScheme() == null || !uri.getScheme().toLowerCase(Locale.ROOT).startsWith("http")) {
                    throw GraftException.usage(name + "=" + value + " is not an http(s) URL, e.g. "
                            + DEFAULT_ENDPOINT);
                }
                return uri;
            }
        }
        return DEFAULT_ENDPOINT;
    }

    /** The Hub of the environment, cached in {@code store}'s folder. */
    public static HuggingFaceHub fromEnvironment(WeightStore store) {
        return new HuggingFaceHub(endpoint(System.getenv()), store.dir(), WeightDownloader.standard());
    }

    /** The local folder of {@code id} (complete or not). */
    public Path folderOf(HubId id) {
        return root.resolve(id.org()).resolve(id.name()).resolve(id.revision().replace("/", "--"));
    }

    /** Where the Hub serves {@code file} of {@code id}. */
    public URI urlOf(HubId id, String file) {
        // like huggingface_hub, a revision such as refs/pr/1 is one path segment
        return URI.create(endpoint + "/" + id.repo() + "/resolve/" + id.revision().replace("/", "%2F") + "/" + file);
    }

    /** A local Hugging Face folder holding {@code id}'s files, fetching the missing ones first. */
    public Path ensure(HubId id) {
        Path folder = folderOf(id);
        if (complete(folder)) {
            return folder;
        }
        LOG.info("Fetching {} from {} into {}", id, endpoint, folder);
        try {
            fetch(id, CONFIG, folder);
            if (WEIGHTS.stream().noneMatch(w -> Files.isRegularFile(folder.resolve(w)))) {
                fetchWeights(id, folder);
            }
            fetch(id, PREPROCESSOR, folder);
        } catch (ConnectException | UnknownHostException | HttpConnectTimeoutException e) {
            throw offline(id, folder, e);
        } catch (WeightDownloader.NotFound e) {
            throw notFound(id, e);
        } catch (IOException e) {
            throw new GraftException("download of " + id + " from " + endpoint + " failed: "
                    + TorchCheckpointReader.message(e) + "; nothing was kept of that file, run again", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GraftException("download of " + id + " was interrupted; nothing was kept of that file", e);
        }
        return folder;
    }

    private static boolean complete(Path folder) {
        return Files.isRegularFile(folder.resolve(CONFIG)) && Files.isRegularFile(folder.resolve(PREPROCESSOR))
                && WEIGHTS.stream().anyMatch(w -> Files.isRegularFile(folder.resolve(w)));
    }

    private void fetchWeights(HubId id, Path folder) throws IOException, InterruptedException {
        try {
            fetch(id, WEIGHTS.get(0), folder);
        } catch (WeightDownloader.NotFound e) {
            LOG.info("{} has no {}; trying {}", id, WEIGHTS.get(0), WEIGHTS.get(1));
            try {
                fetch(id, WEIGHTS.get(1), folder);
            } catch (WeightDownloader.NotFound e2) {
                throw new GraftException(id + " has neither " + WEIGHTS.get(0) + " nor " + WEIGHTS.get(1) + " at "
                        + urlOf(id, "") + " (sharded or other weight files are not supported)",
                        GraftException.USAGE, e2);
            }
        }
    }

    private void fetch(HubId id, String file, Path folder) throws IOException, InterruptedException {
        Path target = folder.resolve(file);
        if (Files.isRegularFile(target)) {
            return;
        }
        String sha256 = downloader.transfer(urlOf(id, file), target, HuggingFaceHub::announcedSha256);
        Files.writeString(folder.resolve(SUMS), sha256 + "  " + file + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /**
     * The sha256 the Hub announces for an LFS file: {@code X-Linked-Etag} or {@code ETag} (quoted, maybe weak)
     * of the response or of a redirect before it, when it is 64 hex digits. Small files' ETags are git object
     * ids (40 digits) and are not checked.
     */
    static Optional<String> announcedSha256(HttpResponse<?> response) {
        for (HttpResponse<?> r = response; r != null; r = r.previousResponse().orElse(null)) {
            for (String header : List.of("x-linked-etag", "etag")) {
                Optional<String> digest = r.headers().firstValue(header).map(HuggingFaceHub::unquote)
                        .filter(v -> v.matches("[0-9a-fA-F]{64}"));
                if (digest.isPresent()) {
                    return digest;
                }
            }
        }
        return Optional.empty();
    }

    private static String unquote(String etag) {
        String v = etag.strip();
        if (v.startsWith("W/")) {
            v = v.substring(2);
        }
        return v.replace("\"", "");
    }

    private GraftException notFound(HubId id, WeightDownloader.NotFound e) {
        String path = e.url().getPath();
        return new GraftException("the Hub at " + endpoint + " has no " + path.substring(path.lastIndexOf('/') + 1)
                + " for " + id.repo() + " at revision " + id.revision() + " (HTTP 404 for " + e.url() + "): check"
                + " the id and revision (or the path, if a local file or folder was meant)", GraftException.USAGE, e);
    }

    private GraftException offline(HubId id, Path folder, Exception e) {
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new GraftException("cannot reach " + endpoint + " to fetch " + id + " (" + reason + "). Without"
                + " network access, download " + urlOf(id, CONFIG) + ", " + urlOf(id, WEIGHTS.get(0)) + " (or "
                + WEIGHTS.get(1) + ") and " + urlOf(id, PREPROCESSOR) + " on another machine and put them in "
                + folder + " (or pass a local folder holding them as the weights; " + ENV + " points to a"
                + " mirror)", e);
    }
}
