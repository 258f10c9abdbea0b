package dev.graft.serve;

import io.undertow.io.Receiver;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.StatusCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.XnioExecutor;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * Receives one request body on the connection's I/O thread without blocking (Undertow's async receiver), so a
 * client that sends its body slowly, or never, holds no worker. It ends exactly once: with the body, with 413 past
 * the body limit, with 400 when the connection breaks, or with 408 when the body has not arrived within
 * {@link ServerOptions#bodyTimeout()}; then it gives back its {@link Capacity} upload slot.
 */
final class Upload {
    private static final Logger LOG = LoggerFactory.getLogger(Upload.class);

    private final HttpServerExchange exchange;
    private final ServerOptions options;
    private final Capacity capacity;
    private final AtomicBoolean finished = new AtomicBoolean();
    private XnioExecutor.Key timer;

    private Upload(HttpServerExchange exchange, ServerOptions options, Capacity capacity) {
        this.exchange = exchange;
        this.options = options;
        this.capacity = capacity;
    }

    /**
     * Receives the body of {@code exchange}, which holds an upload slot of {@code capacity}, and hands it to
     * {@code then} (called in Undertow's handler context, so it may dispatch to a worker); answers the failures.
     */
    static void receive(HttpServerExchange exchange, ServerOptions options, Capacity capacity,
                        BiConsumer<HttpServerExchange, byte[]> then) {
        Upload upload = new Upload(exchange, options, capacity);
        upload.timer = exchange.getIoThread().executeAfter(upload::timedOut, options.bodyTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
        Receiver receiver = exchange.getRequestReceiver();
        receiver.setMaxBufferSize((int) Math.min(Integer.MAX_VALUE - 8, options.maxBodyBytes()));
        receiver.receiveFullBytes((done, body) -> {
            if (upload.claim()) {
                try {
                    then.accept(done, body); // takes its prediction slot before the upload slot is given back,
                } finally {                  // so a draining server never sees a moment with neither
                    capacity.endUpload();
                }
            }
        }, (failed, e) -> {
            if (upload.finish()) {
                upload.failed(e);
            }
        });
    }

    /** Claims the one ending and gives the upload slot back; false when another ending already happened. */
    private boolean finish() {
        if (!claim()) {
            return false;
        }
        capacity.endUpload();
        return true;
    }

    /** Claims the one ending without giving the upload slot back yet; false when another already happened. */
    private boolean claim() {
        if (!finished.compareAndSet(false, true)) {
            return false;
        }
        if (timer != null) {
            timer.remove();
        }
        return true;
    }

    private void failed(IOException e) {
        exchange.setPersistent(false);
        if (e instanceof Receiver.RequestToLargeException || e instanceof RequestTooBigException) {
            Responses.tooLarge(exchange, options.maxBodyBytes());
            return;
        }
        LOG.debug("request body not received", e);
        Responses.error(exchange, StatusCodes.BAD_REQUEST, "bad_body", "cannot read the request body: "
                + (e.getMessage() != null ? e.getMessage() : "the connection broke"));
    }

    private void timedOut() {
        if (!finish()) {
            return;
        }
        exchange.setPersistent(false); // the rest of the body is not read; the connection closes after the answer
        Responses.error(exchange, StatusCodes.REQUEST_TIME_OUT, "body_timeout", "the request body did not arrive "
                + "within " + Responses.seconds(options.bodyTimeout()) + "; send it in one go");
    }
}
