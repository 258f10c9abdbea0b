package dev.graft.serve;

import dev.graft.GraftException;
import dev.graft.Threads;
import dev.graft.export.BundleManifest;
import dev.graft.config.HeadConfig;
import dev.graft.export.Classifier;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP JSON API of {@code graft serve}, on Undertow: {@code POST /v1/predict}, {@code POST /v1/explain},
 * {@code GET /v1/health}, {@code GET /v1/model}, {@code GET /metrics} for Prometheus ({@link ServerMetrics}), and the
 * Open Inference Protocol (KServe v2) under {@code /v2} ({@link OpenInference}). With dynamic batching
 * ({@link ServerOptions#maxBatch()}) the images of concurrent requests share model calls ({@link ModelCalls}). Request bodies are received on the I/O threads without blocking ({@link Upload}: at most
 * {@link ServerOptions#uploads()} at once, each within {@link ServerOptions#bodyTimeout()}); complete requests run
 * on a bounded worker pool ({@link ServerOptions#workers()} threads, {@link ServerOptions#queue()} waiting). A
 * request beyond a bound is answered 503 at once rather than queued without bound, and health reports not ready.
 * Health and model info are answered on the I/O thread, so they stay quick under load. {@link #close()} shuts down
 * gracefully: new requests get 503 while those in flight finish. Every answer, errors included, is JSON.
 */
public final class InferenceServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InferenceServer.class);

    /** Query parameters a request may have; more get 400 (Undertow itself would close with an empty 400). */
    static final int MAX_PARAMETERS = 1000;
    /** Request line and headers, bytes; larger requests get Undertow's plain 400 (this also bounds the parameters). */
    static final int MAX_HEADER_BYTES = 64 * 1024;
    /** How long an idle keep-alive connection stays open. */
    static final int IDLE_MILLIS = 60_000;
    private static final long DRAIN_POLL_MILLIS = 20;
    /** Open without an API key, as are the v2 health routes: platforms probe them without credentials. */
    static final String HEALTH = "/v1/health";
    /** Prometheus' scrape target ({@link ServerMetrics}). */
    static final String METRICS = "/metrics";

    private final Classifier classifier;
    private final ServerOptions options;
    private final Capacity capacity;
    private final ThreadPoolExecutor pool;
    private final PredictHandler predict;
    private final ExplainHandler explain;
    private final ServerMetrics metrics;
    /**
     * Exchanges whose response is not completely sent yet. A worker releases its capacity slot as soon as it has
     * handed the answer to Undertow; stopping Undertow before the bytes are out would cut the answer off.
     */
    private final AtomicInteger unfinished = new AtomicInteger();
    private final ModelCalls calls;
    private final OpenInference v2;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Undertow undertow;
    private final int port;

    private InferenceServer(Classifier classifier, ServerOptions options) {
        this.classifier = classifier;
        this.options = options;
        this.capacity = new Capacity(options);
        // Unbounded here because Capacity admits at most workers + queue predictions.
        int threads = ModelCalls.threads(options);
        this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), Threads.daemons("graft-serve"));
        this.metrics = new ServerMetrics(classifier, capacity);
        this.calls = new ModelCalls(classifier, options, metrics::batch);
        this.predict = new PredictHandler(classifier, options, capacity, pool, calls);
        this.v2 = new OpenInference(classifier, options, capacity, pool, calls);
        this.explain = new ExplainHandler(classifier, options, capacity, pool);
        this.undertow = listen();
        this.port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    private Undertow listen() {
        int timeout = (int) options.bodyTimeout().toMillis();
        Undertow server = Undertow.builder()
                .addHttpListener(options.port(), options.host())
                .setIoThreads(Math.min(2, Runtime.getRuntime().availableProcessors()))
                .setWorkerThreads(2)
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, timeout)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, Math.max(IDLE_MILLIS, timeout))
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, MAX_HEADER_BYTES)
                // Above what fits in MAX_HEADER_BYTES, so that route() answers "too many" in JSON, not Undertow.
                .setServerOption(UndertowOptions.MAX_PARAMETERS, MAX_HEADER_BYTES)
                .setHandler(this::route)
                .build();
        try {
            server.start();
            return server;
        } catch (RuntimeException e) {
            pool.shutdownNow();
            Throwable root = Threads.rootCause(e);
            if (root instanceof IOException || root instanceof UnresolvedAddressException) { // in use, unknown host
                throw new GraftException("cannot listen on " + options.host() + ":" + options.port() + ": "
                        + (root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName()),
                        GraftException.USAGE, e);
            }
            throw e;
        }
    }

    /**
     * Starts serving {@code classifier}; returns once the port is bound.
     *
     * @throws GraftException (usage) when the address cannot be bound (in use, unknown host)
     */
    public static InferenceServer start(Classifier classifier, ServerOptions options) {
        InferenceServer server = new InferenceServer(classifier, options);
        if (options.apiKeys() != null) {
            LOG.info("requests need one of the {} API key(s) of --api-key-file; {} and /v2/health/* stay open", options.apiKeys()
                    .size(), HEALTH);
        } else if (!isLoopback(options.host())) {
            LOG.warn("listening on {}, reachable from other machines, and anyone who can reach it may use the API; "
                    + "give --api-key-file to require a key", options.host());
        }
        return server;
    }

    /** The bound port (the real one when {@link ServerOptions#port()} was 0). */
    public int port() {
        return port;
    }

    /** The model's name in the Open Inference Protocol routes ({@code /v2/models/NAME}). */
    public String modelName() {
        return v2.name();
    }

    /** {@code http://host:port}. */
    public URI uri() {
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        return URI.create("http://" + host + ":" + port);
    }

    /** Requests being received or predicted and not yet answered. */
    int inFlight() {
        return capacity.inFlight();
    }

    private void route(HttpServerExchange exchange) {
        String path = exchange.getRequestPath();
        long start = System.nanoTime();
        unfinished.incrementAndGet();
        exchange.addExchangeCompleteListener((done, next) -> {
            unfinished.decrementAndGet();
            metrics.request(path, done.getStatusCode(), System.nanoTime() - start);
            next.proceed();
        });
        HttpString method = exchange.getRequestMethod();
        boolean health = path.equals(HEALTH) || OpenInference.health(path);
        if (capacity.draining() && !health) {
            Responses.error(exchange, StatusCodes.SERVICE_UNAVAILABLE, "draining", "the server is shutting down");
            return;
        }
        if (!health && options.apiKeys() != null && !options.apiKeys().accepts(exchange)) {
            exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer");
            Responses.error(exchange, StatusCodes.UNAUTHORIZED, "unauthorized", "this server needs an API key: send "
                    + "'Authorization: Bearer KEY' or 'X-API-Key: KEY'");
            return;
        }
        int parameters = exchange.getQueryParameters().values().stream().mapToInt(Deque::size).sum();
        if (parameters > MAX_PARAMETERS) {
            Responses.error(exchange, StatusCodes.BAD_REQUEST, "too_many_parameters", "the query has " + parameters
                    + " parameters; at most " + MAX_PARAMETERS + " are accepted");
            return;
        }
        if (path.startsWith(OpenInference.PREFIX)) {
            v2.handle(exchange, path);
            return;
        }
        switch (path) {
            case HEALTH -> {
                if (Responses.methodAllowed(exchange, method, Methods.GET)) {
                    Responses.json(exchange, capacity.ready() ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE,
                            capacity.health());
                }
            }
            case "/v1/model" -> {
                if (Responses.methodAllowed(exchange, method, Methods.GET)) {
                    Responses.json(exchange, StatusCodes.OK, modelInfo());
                }
            }
            case "/v1/predict" -> {
                if (Responses.methodAllowed(exchange, method, Methods.POST)) {
                    predict.handle(exchange);
                }
            }
            case "/v1/explain" -> {
                if (Responses.methodAllowed(exchange, method, Methods.POST)) {
                    explain.handle(exchange);
                }
            }
            case METRICS -> {
                if (Responses.methodAllowed(exchange, method, Methods.GET)) {
                    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, ServerMetrics.CONTENT_TYPE);
                    exchange.getResponseSender().send(metrics.scrape());
                }
            }
            default -> Responses.error(exchange, StatusCodes.NOT_FOUND, "not_found", "no endpoint " + path
                    + "; the API has POST /v1/predict, POST /v1/explain, GET /v1/health, GET /v1/model and "
                    + "GET /metrics, and the Open Inference Protocol under /v2");
        }
    }

    private Map<String, Object> modelInfo() {
        Map<String, Object> info = new LinkedHashMap<>();
        BundleManifest manifest = classifier.manifest();
        if (manifest != null) {
            info.put("name", manifest.name());
            info.put("arch", manifest.arch());
            info.put("epoch", manifest.epoch());
            info.put("exported", manifest.created());
            info.put("graft_version", manifest.graftVersion());
            info.put("formats", manifest.formats());
        }
        info.put("temperature", classifier.temperature());
        info.put("decision", classifier.decisionThreshold().orElse(null));
        if (classifier.problem() != HeadConfig.Problem.SINGLE_LABEL) { // single-label answers stay as they were
            info.put("problem", classifier.problem().toString());
        }
        if (classifier.problem() == HeadConfig.Problem.MULTI_LABEL) {
            info.put("label_thresholds", classifier.labelThresholds());
        }
        info.put("engine", classifier.engine().toString());
        info.put("labels", classifier.labels());
        info.put("preprocessing", classifier.preprocessing());
        info.put("max_body_bytes", options.maxBodyBytes());
        info.put("max_pixels", classifier.maxPixels());
        info.put("max_uploads", options.uploads());
        info.put("body_timeout_s", options.bodyTimeout().toMillis() / 1000.0);
        info.put("default_top", options.defaultTop());
        return info;
    }

    /**
     * Graceful shutdown: stops taking requests (new ones get 503 {@code draining}), waits up to
     * {@link ServerOptions#drain()} for those being received or predicted, then closes the listener and the worker
     * pool. Idempotent; does not close the classifier.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        capacity.drain();
        long deadline = System.nanoTime() + options.drain().toNanos();
        try {
            while (!drained() && System.nanoTime() < deadline) {
                Thread.sleep(DRAIN_POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!drained()) {
            LOG.warn("{} request(s) still running after {}; stopping anyway", capacity.inFlight(),
                    Responses.seconds(options.drain()));
        }
        undertow.stop();
        calls.close();
        pool.shutdownNow();
        metrics.close();
    }

    /** Nothing received, predicted or still being sent. */
    private boolean drained() {
        return capacity.idle() && unfinished.get() == 0;
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
