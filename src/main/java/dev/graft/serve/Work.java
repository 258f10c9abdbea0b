package dev.graft.serve;

import dev.graft.GraftException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.StatusCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * A received request's work on the worker pool. The work answers the request either before it returns or when the
 * future it returns completes (a batched model call finishes on another thread), so the exchange stays open until
 * then; the request's {@link Capacity} prediction slot is held until it is answered. A failure nobody answered is
 * 500: {@code the model failed} for the engine's {@link GraftException}, {@code internal} (logged) for anything else.
 */
final class Work {
    private static final Logger LOG = LoggerFactory.getLogger(Work.class);

    /** What work returns when it has answered already. */
    static final CompletableFuture<?> DONE = CompletableFuture.completedFuture(null);

    private Work() {
    }

    /** Takes a prediction slot (503 when none is free) and runs {@code work} on a worker. */
    static void start(HttpServerExchange exchange, Executor workers, Capacity capacity,
                      Supplier<CompletableFuture<?>> work) {
        if (!capacity.startPrediction()) {
            Responses.busy(exchange, "all workers are busy and the queue is full; retry later");
            return;
        }
        exchange.dispatch(workers, () -> {
            exchange.dispatch(); // Undertow must not end the exchange when this returns: the answer may come later
            CompletableFuture<?> done;
            try {
                done = work.get();
            } catch (RuntimeException e) {
                done = CompletableFuture.failedFuture(e);
            }
            done.whenComplete((ignored, failure) -> {
                try {
                    if (failure != null) {
                        failed(exchange, failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause() : failure);
                    }
                } finally {
                    capacity.endPrediction();
                }
            });
        });
    }

    private static void failed(HttpServerExchange exchange, Throwable failure) {
        if (failure instanceof GraftException) {
            LOG.error("prediction failed", failure);
            answer500(exchange, "the model failed: " + failure.getMessage());
        } else {
            LOG.error("prediction failed unexpectedly", failure);
            answer500(exchange, "internal error");
        }
    }

    private static void answer500(HttpServerExchange exchange, String message) {
        if (!exchange.isResponseStarted()) {
            Responses.error(exchange, StatusCodes.INTERNAL_SERVER_ERROR, "internal", message);
        } else {
            exchange.endExchange();
        }
    }
}
