package dev.graft.serve;

import java.time.Duration;

/**
 * How {@code graft serve} listens and how much it takes on.
 *
 * @param host         interface to bind; loopback by default, so nothing outside the machine can connect
 * @param port         TCP port; 0 picks a free one
 * @param maxBodyBytes largest request body accepted; bigger ones get 413
 * @param workers      threads that decode images and run the model (the bounded worker pool)
 * @param queue        received requests that may wait for a worker; beyond {@code workers + queue}: 503
 * @param drain        how long shutdown waits for requests in flight
 * @param defaultTop   classes returned per image when the request has no {@code ?top=}
 * @param uploads      request bodies being received at once (on the I/O threads, never on a worker); beyond: 503
 * @param bodyTimeout  how long a request's headers, and then its body, may take to arrive; longer: 408
 * @param apiKeys      the keys a request must present (health stays open); null: no access control
 * @param maxBatch     dynamic batching: most images per model call across concurrent requests; 1: off, each
 *                     request runs the model on its own images
 * @param maxDelay     dynamic batching: how long a model call waits for more images once it has one (0: it takes
 *                     only those already waiting)
 * @param modelName    the model's name in the Open Inference Protocol routes; null: the bundle's experiment name
 */
public record ServerOptions(String host, int port, long maxBodyBytes, int workers, int queue, Duration drain,
                            int defaultTop, int uploads, Duration bodyTimeout, ApiKeys apiKeys, int maxBatch,
                            Duration maxDelay, String modelName) {
    /** Loopback. */
    public static final String LOOPBACK = "127.0.0.1";
    /** Default of {@link #uploads()}. */
    public static final int DEFAULT_UPLOADS = 32;
    /** Default of {@link #bodyTimeout()}. */
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(30);

    public ServerOptions {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535] (was " + port + ")");
        }
        if (maxBodyBytes < 1 || workers < 1 || queue < 0 || defaultTop < 1 || uploads < 1) {
            throw new IllegalArgumentException("max body, workers, uploads and default top must be >= 1, queue >= 0");
        }
        if (maxBatch < 1 || maxDelay.isNegative()) {
            throw new IllegalArgumentException("the max batch must be >= 1 and the max delay >= 0 (was " + maxBatch
                    + ", " + maxDelay + ")");
        }
        if (modelName != null && !modelName.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("the model name must be letters, digits, '.', '_' or '-', starting "
                    + "with a letter or digit (was '" + modelName + "')");
        }
        if (bodyTimeout.toMillis() < 1 || bodyTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the body timeout must be between 1 ms and 24 days (was "
                    + bodyTimeout + ")");
        }
    }

    /**
     * Loopback on {@code port}, 20 MiB bodies, one worker per core, 64 queued, 10 s drain, top 5, 32 uploads at once,
     * 30 s to send a request, no dynamic batching, the bundle's own name.
     */
    public static ServerOptions defaults(int port) {
        return new ServerOptions(LOOPBACK, port, 20L << 20, Runtime.getRuntime().availableProcessors(), 64,
                Duration.ofSeconds(10), 5, DEFAULT_UPLOADS, DEFAULT_BODY_TIMEOUT, null, 1, Duration.ZERO, null);
    }

    /** The same options on another interface. */
    public ServerOptions withHost(String newHost) {
        return new ServerOptions(newHost, port, maxBodyBytes, workers, queue, drain, defaultTop, uploads, bodyTimeout,
                apiKeys, maxBatch, maxDelay, modelName);
    }

    /** The same options with another body limit, worker count and queue length. */
    public ServerOptions withLimits(long newMaxBodyBytes, int newWorkers, int newQueue) {
        return new ServerOptions(host, port, newMaxBodyBytes, newWorkers, newQueue, drain, defaultTop, uploads,
                bodyTimeout, apiKeys, maxBatch, maxDelay, modelName);
    }

    /** The same options with another bound on bodies received at once and another time to send one. */
    public ServerOptions withUploads(int newUploads, Duration newBodyTimeout) {
        return new ServerOptions(host, port, maxBodyBytes, workers, queue, drain, defaultTop, newUploads,
                newBodyTimeout, apiKeys, maxBatch, maxDelay, modelName);
    }

    /** The same options, accepting only requests that present one of {@code keys} (null: open). */
    public ServerOptions withApiKeys(ApiKeys keys) {
        return new ServerOptions(host, port, maxBodyBytes, workers, queue, drain, defaultTop, uploads, bodyTimeout,
                keys, maxBatch, maxDelay, modelName);
    }

    /** The same options with dynamic batching: up to {@code newMaxBatch} images per call (1: off). */
    public ServerOptions withBatching(int newMaxBatch, Duration newMaxDelay) {
        return new ServerOptions(host, port, maxBodyBytes, workers, queue, drain, defaultTop, uploads, bodyTimeout,
                apiKeys, newMaxBatch, newMaxDelay, modelName);
    }

    /** The same options, naming the model {@code name} in the Open Inference Protocol routes (null: the bundle's). */
    public ServerOptions withModelName(String name) {
        return new ServerOptions(host, port, maxBodyBytes, workers, queue, drain, defaultTop, uploads, bodyTimeout,
                apiKeys, maxBatch, maxDelay, name);
    }
}
