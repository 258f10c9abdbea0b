package dev.graft.backbone;

import dev.graft.GraftException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Downloads a weights file once: into a temporary file next to the target, hashing while it streams, then
 * checks length and sha256 and renames it into place atomically. An interrupted or corrupt download never
 * leaves a file under the final name. Without network access the error says which URL to fetch and where to
 * put the file.
 */
public final class WeightDownloader {
    private static final Logger LOG = LoggerFactory.getLogger(WeightDownloader.class);

    private final HttpClient client;
    private final Duration timeout;

    /** A downloader using {@code client}; {@code timeout} bounds the wait for the response headers. */
    public WeightDownloader(HttpClient client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    /** A downloader following redirects, with 30 s connect and response timeouts. */
    public static WeightDownloader standard() {
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30)).build();
        return new WeightDownloader(client, Duration.ofSeconds(30));
    }

    /**
     * Downloads {@code url} to {@code target} unless it is there already.
     *
     * @param sha256 the expected digest: 64 hex digits, or a published prefix of at least 8
     * @return {@code target}
     * @throws GraftException when offline, on HTTP errors, interrupted transfers and digest mismatches
     */
    public Path download(URI url, String sha256, Path target) {
        if (Files.isRegularFile(target)) {
            return target;
        }
        try {
            transfer(url, target, response -> Optional.of(sha256));
            return target;
        } catch (ConnectException | UnknownHostException | HttpConnectTimeoutException e) {
            throw offline(url, target, e);
        } catch (IOException e) {
            throw new GraftException("download of " + url + " failed: " + TorchCheckpointReader.message(e)
                    + "; nothing was kept. Run again, or fetch the file yourself and put it at " + target, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GraftException("download of " + url + " was interrupted; nothing was kept", e);
        }
    }

    /** The server answered 404: the file does not exist there. */
    static final class NotFound extends IOException {
        private final URI url;

        NotFound(URI url) {
            super("HTTP 404 for " + url);
            this.url = url;
        }

        /** The address that was not found. */
        URI url() {
            return url;
        }
    }

    /**
     * Streams {@code url} into a temporary file next to {@code target}, hashing as it goes, checks the length
     * the server announced and the digest {@code expected} derives from the response (when it gives one), then
     * renames the file into place. Nothing stays under either name on failure.
     *
     * @return the body's sha256, lower-case hex
     * @throws NotFound on HTTP 404; {@link ConnectException} and alike when the server cannot be reached
     */
    String transfer(URI url, Path target, Function<HttpResponse<?>, Optional<String>> expected)
            throws IOException, InterruptedException {
        Path tmp = null;
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            tmp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName() + ".",
                    ".part");
            HttpResponse<InputStream> response = fetch(url, tmp);
            String actual = copy(response, tmp);
            Optional<String> sha256 = expected.apply(response);
            if (sha256.isPresent() && !Sha256.matches(actual, sha256.get())) {
                throw new GraftException("download of " + url + " is corrupt: sha256 " + actual + ", expected "
                        + sha256.get() + (sha256.get().length() < 64 ? "..." : "") + "; nothing was kept, try"
                        + " again");
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            LOG.info("Saved {} ({} MB, sha256 {})", target, Files.size(target) / 1_000_000, actual);
            return actual;
        } finally {
            deleteQuietly(tmp);
        }
    }

    private HttpResponse<InputStream> fetch(URI url, Path tmp) throws IOException, InterruptedException {
        LOG.info("Downloading {}", url);
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new ConnectException("no response within " + timeout.toSeconds() + " s");
        }
        if (response.statusCode() != 200) {
            response.body().close();
            if (response.statusCode() == 404) {
                throw new NotFound(url);
            }
            throw new IOException("HTTP " + response.statusCode());
        }
        return response;
    }

    private static String copy(HttpResponse<InputStream> response, Path tmp) throws IOException {
        try (InputStream in = response.body()) {
            long expected = response.headers().firstValueAsLong("content-length").orElse(-1);
            MessageDigest md = Sha256.digest();
            long received = 0;
            long nextLog = 10;
            byte[] buffer = new byte[1 << 16];
            try (OutputStream out = Files.newOutputStream(tmp)) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                    md.update(buffer, 0, n);
                    received += n;
                    if (expected > 0 && received * 100 / expected >= nextLog) {
                        LOG.info("  {}% of {} MB", nextLog, expected / 1_000_000);
                        nextLog += 10;
                    }
                }
            } catch (IOException e) {
                throw new IOException("interrupted after " + received + (expected > 0 ? " of " + expected : "")
                        + " bytes (" + TorchCheckpointReader.message(e) + ")", e);
            }
            if (expected >= 0 && received != expected) {
                throw new IOException("interrupted after " + received + " of " + expected + " bytes");
            }
            return Sha256.hex(md.digest());
        }
    }

    private static GraftException offline(URI url, Path target, Exception e) {
        String reason = e.getMessage() == null ? "no connection" : e.getMessage();
        return new GraftException("cannot download " + url + " (" + reason + "). Without network access, fetch"
                + " that file on another machine and put it at " + target + " (or point " + WeightStore.ENV
                + " at a folder holding it)", e);
    }

    private static void deleteQuietly(Path tmp) {
        if (tmp != null) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                LOG.warn("could not delete partial download {}: {}", tmp, e.getMessage());
            }
        }
    }
}
