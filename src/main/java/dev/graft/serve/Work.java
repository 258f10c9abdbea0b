package dev.graft.serve;

import dev.graft.GraftException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.StatusCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;

/**
 * A received request's work on the worker pool, holding a {@link Capacity} prediction slot until it has answered.
 * The work answers on the worker itself (a batched model call is waited for there, see {@link ModelCalls}): Undertow
 * expects an exchange to be answered inside its handler call, not from another thread while the call is running.
 * A failure the work did not answer is 500: {@code the model failed} for the engine's {@link GraftException},
 * {@code internal} (logged with its stack trace) for anything else.
 */
final class Work {
    private static final Logger LOG = LoggerFactory.getLogger(Work.class);

    private Work() {
    }

    /** Takes a prediction slot (503 when none is free) and runs {@code work} on a worker. */
    static void start(HttpServerExchange exchange, Executor workers, Capacity capacity, Runnable work) {
        if (!capacity.startPrediction()) {
            Responses.busy(exchange, "all workers are busy and the queue is full; retry later");
            return;
        }
        exchange.dispatch(workers, () -> {
            try {
                work.run();
            } catch (GraftException e) {
                LOG.error("prediction failed", e);
                answer500(exchange, "the model failed: " + e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("prediction failed unexpectedly", e);
                answer500(exchange, "internal error");
            } finally {
                capacity.endPrediction();
            }
        });
    }

    private static void answer500(HttpServerExchange exchange, String message) {
        if (!exchange.isResponseStarted()) {
            Responses.error(exchange, StatusCodes.INTERNAL_SERVER_ERROR, "internal", message);
        }
    }
}
