package dev.graft.serve;

import dev.graft.GraftException;
import dev.graft.export.BundleManifest;
import dev.graft.export.Classifier;
import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP JSON API of {@code graft serve}, on Undertow: {@code POST /v1/predict}, {@code GET /v1/health},
 * {@code GET /v1/model}. Predictions run on a bounded worker pool ({@link ServerOptions#workers()} threads,
 * {@link ServerOptions#queue()} waiting); a request beyond that is answered 503 at once rather than queued
 * without bound. Health and model info are answered on the I/O thread, so they stay quick under load.
 * {@link #close()} shuts down gracefully: new requests get 503 while those in flight finish.
 */
public final class InferenceServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InferenceServer.class);

    private final Classifier classifier;
    private final ServerOptions options;
    private final ThreadPoolExecutor pool;
    private final PredictHandler predict;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final GracefulShutdownHandler graceful;
    private final Undertow undertow;
    private final int port;

    private InferenceServer(Classifier classifier, ServerOptions options) {
        this.classifier = classifier;
        this.options = options;
        AtomicInteger threads = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(options.workers(), options.workers(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(Math.max(1, options.queue())), r -> {
                    Thread t = new Thread(r, "graft-serve-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.predict = new PredictHandler(classifier, options);
        this.graceful = new GracefulShutdownHandler(this::route);
        this.undertow = Undertow.builder()
                .addHttpListener(options.port(), options.host())
                .setIoThreads(Math.min(2, Runtime.getRuntime().availableProcessors()))
                .setWorkerThreads(2)
                .setHandler(graceful)
                .build();
        try {
            undertow.start();
        } catch (RuntimeException e) {
            pool.shutdownNow();
            throw GraftException.usage("cannot listen on " + options.host() + ":" + options.port() + ": "
                    + rootMessage(e));
        }
        this.port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    /**
     * Starts serving {@code classifier}; returns once the port is bound.
     *
     * @throws GraftException (usage) when the address cannot be bound (in use, unknown host)
     */
    public static InferenceServer start(Classifier classifier, ServerOptions options) {
        InferenceServer server = new InferenceServer(classifier, options);
        if (!isLoopback(options.host())) {
            LOG.warn("listening on {}, reachable from other machines; the API has no authentication",
                    options.host());
        }
        return server;
    }

    /** The bound port (the real one when {@link ServerOptions#port()} was 0). */
    public int port() {
        return port;
    }

    /** {@code http://host:port}. */
    public URI uri() {
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        return URI.create("http://" + host + ":" + port);
    }

    /** Predictions admitted and not yet answered. */
    int inFlight() {
        return inFlight.get();
    }

    private void route(HttpServerExchange exchange) {
        String path = exchange.getRequestPath();
        HttpString method = exchange.getRequestMethod();
        switch (path) {
            case "/v1/health" -> {
                if (allowed(exchange, method, Methods.GET)) {
                    Responses.json(exchange, StatusCodes.OK, Map.of("status", "ok"));
                }
            }
            case "/v1/model" -> {
                if (allowed(exchange, method, Methods.GET)) {
                    Responses.json(exchange, StatusCodes.OK, modelInfo());
                }
            }
            case "/v1/predict" -> {
                if (allowed(exchange, method, Methods.POST)) {
                    admit(exchange);
                }
            }
            default -> Responses.error(exchange, StatusCodes.NOT_FOUND, "not_found", "no endpoint " + path
                    + "; the API has POST /v1/predict, GET /v1/health and GET /v1/model");
        }
    }

    /** Hands a prediction to the worker pool, or answers 503 when workers and queue are full. */
    private void admit(HttpServerExchange exchange) {
        if (inFlight.incrementAndGet() > options.workers() + options.queue()) {
            inFlight.decrementAndGet();
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
            Responses.error(exchange, StatusCodes.SERVICE_UNAVAILABLE, "busy", "all workers are busy; retry later");
            return;
        }
        exchange.addExchangeCompleteListener((done, next) -> {
            inFlight.decrementAndGet();
            next.proceed();
        });
        exchange.dispatch(pool, () -> {
            try {
                predict.handle(exchange);
            } catch (RuntimeException e) {
                LOG.error("request failed", e);
                if (!exchange.isResponseStarted()) {
                    Responses.error(exchange, StatusCodes.INTERNAL_SERVER_ERROR, "internal", "internal error");
                }
            }
        });
    }

    private static boolean allowed(HttpServerExchange exchange, HttpString method, HttpString expected) {
        if (method.equals(expected)) {
            return true;
        }
        exchange.getResponseHeaders().put(Headers.ALLOW, expected.toString());
        Responses.error(exchange, StatusCodes.METHOD_NOT_ALLOWED, "method_not_allowed", "use " + expected + " for "
                + exchange.getRequestPath());
        return false;
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
        info.put("engine", classifier.engine().toString());
        info.put("labels", classifier.labels());
        info.put("preprocessing", classifier.preprocessing());
        info.put("max_body_bytes", options.maxBodyBytes());
        info.put("default_top", options.defaultTop());
        return info;
    }

    /**
     * Graceful shutdown: stops taking requests (new ones get 503), waits up to {@link ServerOptions#drain()} for
     * those in flight, then closes the listener and the worker pool. Idempotent; does not close the classifier.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        graceful.shutdown();
        try {
            if (!graceful.awaitShutdown(options.drain().toMillis())) {
                LOG.warn("{} request(s) still running after {} s; stopping anyway", inFlight.get(),
                        options.drain().toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        undertow.stop();
        pool.shutdownNow();
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }
}
