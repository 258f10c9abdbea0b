package dev.graft.backbone;

import com.sun.net.httpserver.HttpServer;
import dev.graft.GraftException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The downloader against a real HTTP server on the loopback interface. */
class WeightDownloaderTest {
    static final byte[] BODY = new byte[300_000];

    static {
        for (int i = 0; i < BODY.length; i++) {
            BODY[i] = (byte) (i * 31 + i / 7);
        }
    }

    @TempDir
    Path dir;

    HttpServer server;
    AtomicInteger requests = new AtomicInteger();
    String sha256;
    WeightDownloader downloader = new WeightDownloader(HttpClient.newHttpClient(), Duration.ofSeconds(10));

    @BeforeEach
    void start() throws IOException {
        sha256 = Sha256.hex(Sha256.digest().digest(BODY));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/w.pth", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(200, BODY.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(BODY);
            }
        });
        server.createContext("/missing.pth", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private void assertNothingLeft(Path target) throws IOException {
        assertFalse(Files.exists(target), "no file under the final name");
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertEquals(0, files.count(), "no partial files left behind");
        }
    }

    @Test
    void downloadsVerifiesAndKeepsTheFileOnce() throws IOException {
        Path target = dir.resolve("weights/w.pth");
        assertEquals(target, downloader.download(url("/w.pth"), sha256, target));
        assertArrayEquals(BODY, Files.readAllBytes(target));
        downloader.download(url("/w.pth"), sha256, target);
        assertEquals(1, requests.get(), "the second call uses the kept file");
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertEquals(1, files.count(), "no temporary files left");
        }
    }

    @Test
    void aPublishedPrefixIsEnough() {
        Path target = dir.resolve("w.pth");
        downloader.download(url("/w.pth"), sha256.substring(0, 8), target);
        assertTrue(Files.isRegularFile(target));
    }

    @Test
    void wrongHashKeepsNothing() throws IOException {
        Path target = dir.resolve("w.pth");
        String wrong = "0".repeat(64);
        GraftException e = assertThrows(GraftException.class, () -> downloader.download(url("/w.pth"), wrong, target));
        assertTrue(e.getMessage().contains("corrupt") && e.getMessage().contains(sha256), e.getMessage());
        assertNothingLeft(target);
    }

    @Test
    void interruptedTransferKeepsNothing() throws Exception {
        // A raw loopback server that announces the whole file, sends a third of it, then drops the connection.
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread serve = new Thread(() -> {
                try (Socket client = socket.accept()) {
                    client.getInputStream().read(new byte[4096]);
                    OutputStream out = client.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + BODY.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(BODY, 0, BODY.length / 3);
                    out.flush();
                } catch (IOException ignored) {
                    // the client sees the dropped connection
                }
            });
            serve.start();
            Path target = dir.resolve("partial.pth");
            URI url = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/partial.pth");
            GraftException e = assertThrows(GraftException.class, () -> downloader.download(url, sha256, target));
            assertTrue(e.getMessage().contains("nothing was kept"), e.getMessage());
            assertNothingLeft(target);
            serve.join(10_000);
        }
    }

    @Test
    void httpErrorKeepsNothing() throws IOException {
        Path target = dir.resolve("missing.pth");
        GraftException e = assertThrows(GraftException.class,
                () -> downloader.download(url("/missing.pth"), sha256, target));
        assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
        assertNothingLeft(target);
    }

    @Test
    void offlineSaysWhichFileToPutWhere() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Path target = dir.resolve("resnet50-0676ba61.pth");
        URI url = URI.create("http://127.0.0.1:" + closedPort + "/models/resnet50-0676ba61.pth");
        GraftException e = assertThrows(GraftException.class, () -> downloader.download(url, sha256, target));
        assertTrue(e.getMessage().contains(url.toString()) && e.getMessage().contains("put it at " + target),
                e.getMessage());
        assertNothingLeft(target);
    }

    @Test
    void storeUsesTheEnvironmentFolderAndChecksKeptFiles() throws IOException {
        assertEquals(Path.of("/data/w"), WeightStore.defaultDir(Map.of(WeightStore.ENV, "/data/w"), "/home/u"));
        assertEquals(Path.of("/home/u/.cache/graft/weights"), WeightStore.defaultDir(Map.of(), "/home/u"));
        PretrainedWeights r18 = PretrainedWeights.find(dev.graft.config.Arch.RESNET18, "imagenet").orElseThrow();
        WeightStore store = new WeightStore(dir, downloader);
        Path kept = Files.write(store.pathOf(r18), Arrays.copyOf(BODY, 100));
        assertEquals(kept, store.ensure(r18), "a file put there by hand is used, not downloaded");
        GraftException e = assertThrows(GraftException.class, () -> store.verify(r18, kept));
        assertTrue(e.getMessage().contains("is not resnet18 IMAGENET1K_V1"), e.getMessage());
    }
}
