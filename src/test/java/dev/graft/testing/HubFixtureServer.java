package dev.graft.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.graft.backbone.Sha256;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Hugging Face Hub stand-in on the loopback interface, in the Hub's URL layout
 * ({@code /{org}/{name}/resolve/{revision}/{file}}): small files answered directly with a git-object ETag,
 * large (LFS) files redirected to a "CDN" path with their sha256 in {@code X-Linked-Etag}, as the Hub does,
 * anything else 404. A truncated transfer comes from a raw socket that announces the whole length.
 */
public final class HubFixtureServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<ServerSocket> rawSockets = new ArrayList<>();

    private interface Route {
        void answer(HttpExchange exchange) throws IOException;
    }

    private HubFixtureServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.add(path);
            Route route = routes.get(path);
            if (route == null) {
                exchange.getResponseHeaders().add("X-Error-Code", "EntryNotFound");
                send(exchange, 404, "Entry not found".getBytes(StandardCharsets.UTF_8));
            } else {
                route.answer(exchange);
            }
        });
        server.start();
    }

    /** A started server. */
    public static HubFixtureServer start() throws IOException {
        return new HubFixtureServer();
    }

    /** The base URL to use as the Hub endpoint. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Paths requested so far, in order. */
    public List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** The committed Hugging Face fixture model (PyTorch-checked, 10 CIFAR labels) and its preprocessing. */
    public static final Path FIXTURE_MODEL = Path.of("src", "test", "resources", "fixtures", "torch", "basic_hf");
    /** The fixture's preprocessor_config.json: ConvNeXt's rule at 64 px (resize to 73, bicubic, crop 64). */
    public static final String FIXTURE_PREPROCESSOR = """
            {"image_processor_type": "ConvNextImageProcessor", "crop_pct": 0.875, "do_normalize": true,
             "do_resize": true, "do_rescale": true, "rescale_factor": 0.00392156862745098, "resample": 3,
             "image_mean": [0.485, 0.456, 0.406], "image_std": [0.229, 0.224, 0.225],
             "size": {"shortest_edge": 64}}""";

    /** Serves {@link #FIXTURE_MODEL} as {@code repo} at {@code revision}, the weights as an LFS file. */
    public void serveFixtureModel(String repo, String revision) throws IOException {
        small(repo, revision, "config.json", Files.readAllBytes(FIXTURE_MODEL.resolve("config.json")));
        large(repo, revision, "model.safetensors", Files.readAllBytes(FIXTURE_MODEL.resolve("model.safetensors")));
        small(repo, revision, "preprocessor_config.json", FIXTURE_PREPROCESSOR.getBytes(StandardCharsets.UTF_8));
    }

    /** A small (git) file: 200 with a 40-digit ETag that is not a sha256. */
    public void small(String repo, String revision, String file, byte[] body) {
        routes.put(path(repo, revision, file), exchange -> {
            exchange.getResponseHeaders().add("ETag", "\"" + "ab".repeat(20) + "\"");
            send(exchange, 200, body);
        });
    }

    /** A large (LFS) file: 302 to the CDN with its sha256 announced, the CDN answering 200. */
    public void large(String repo, String revision, String file, byte[] body) {
        large(repo, revision, file, body, Sha256.hex(Sha256.digest().digest(body)));
    }

    /** A large file whose announced sha256 is {@code announced} (a wrong one simulates a corrupt CDN copy). */
    public void large(String repo, String revision, String file, byte[] body, String announced) {
        String cdn = "/cdn/" + repo + "/" + announced;
        routes.put(cdn, exchange -> send(exchange, 200, body));
        routes.put(path(repo, revision, file), exchange -> {
            exchange.getResponseHeaders().add("X-Linked-Etag", "\"" + announced + "\"");
            exchange.getResponseHeaders().add("Location", endpoint() + cdn);
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
    }

    /** A large file whose CDN copy announces all of {@code body} but sends only the first third. */
    public void truncated(String repo, String revision, String file, byte[] body) throws IOException {
        ServerSocket raw = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
        rawSockets.add(raw);
        Thread serve = new Thread(() -> {
            while (!raw.isClosed()) {
                try (Socket client = raw.accept()) {
                    client.getInputStream().read(new byte[4096]);
                    OutputStream out = client.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(body, 0, body.length / 3);
                    out.flush();
                } catch (IOException e) {
                    return; // closed: the test is over
                }
            }
        }, "hub-fixture-truncated");
        serve.setDaemon(true);
        serve.start();
        routes.put(path(repo, revision, file), exchange -> {
            exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + raw.getLocalPort() + "/" + file);
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
    }

    private static String path(String repo, String revision, String file) {
        return "/" + repo + "/resolve/" + revision + "/" + file;
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        for (ServerSocket raw : rawSockets) {
            try {
                raw.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
