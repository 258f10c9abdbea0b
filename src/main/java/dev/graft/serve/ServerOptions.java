package dev.graft.serve;

import java.time.Duration;

/**
 * How {@code graft serve} listens and how much it takes on.
 *
 * @param host         interface to bind; loopback by default, so nothing outside the machine can connect
 * @param port         TCP port; 0 picks a free one
 * @param maxBodyBytes largest request body accepted; bigger ones get 413
 * @param workers      threads that decode images and run the model (the bounded worker pool)
 * @param queue        requests that may wait for a worker; beyond {@code workers + queue} in flight: 503
 * @param drain        how long shutdown waits for requests in flight
 * @param defaultTop   classes returned per image when the request has no {@code ?top=}
 */
public record ServerOptions(String host, int port, long maxBodyBytes, int workers, int queue, Duration drain,
                            int defaultTop) {
    /** Loopback. */
    public static final String LOOPBACK = "127.0.0.1";

    public ServerOptions {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535] (was " + port + ")");
        }
        if (maxBodyBytes < 1 || workers < 1 || queue < 0 || defaultTop < 1) {
            throw new IllegalArgumentException("max body, workers and default top must be >= 1, queue >= 0");
        }
    }

    /** Loopback on {@code port}, 20 MiB bodies, one worker per core, 64 queued, 10 s drain, top 5. */
    public static ServerOptions defaults(int port) {
        return new ServerOptions(LOOPBACK, port, 20L << 20, Runtime.getRuntime().availableProcessors(), 64,
                Duration.ofSeconds(10), 5);
    }

    /** The same options on another interface. */
    public ServerOptions withHost(String newHost) {
        return new ServerOptions(newHost, port, maxBodyBytes, workers, queue, drain, defaultTop);
    }

    /** The same options with another body limit, worker count and queue length. */
    public ServerOptions withLimits(long newMaxBodyBytes, int newWorkers, int newQueue) {
        return new ServerOptions(host, port, newMaxBodyBytes, newWorkers, newQueue, drain, defaultTop);
    }
}
