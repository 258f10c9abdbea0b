package dev.graft.serve;

import dev.graft.GraftException;
import dev.graft.export.Classifier;
import dev.graft.export.Explanation;
import dev.graft.export.ImageTooLargeException;
import dev.graft.export.InvalidImageException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * {@code POST /v1/explain}: the body is one encoded image; {@code ?class=C} (default: the predicted class),
 * {@code ?stage=stageN} (default: the last) and {@code ?format=png|json} (default png). The answer is the Grad-CAM
 * heatmap over the image as the model saw it (PNG, with the class, probability and stage in {@code X-Graft-*}
 * headers), or JSON {@code {label, class_index, probability, stage, map}} with the map as rows of values in
 * {@code [0, 1]}. Limits and errors as {@code /v1/predict}; an unknown class or stage, or an ONNX-only server, is
 * 400 {@code bad_request}.
 */
final class ExplainHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ExplainHandler.class);

    private final Classifier classifier;
    private final ServerOptions options;
    private final Capacity capacity;
    private final Executor workers;

    ExplainHandler(Classifier classifier, ServerOptions options, Capacity capacity, Executor workers) {
        this.classifier = classifier;
        this.options = options;
        this.capacity = capacity;
        this.workers = workers;
    }

    private record Query(String className, String stage, boolean json) {
    }

    /** On the I/O thread: checks the query and declared size, then receives the body without blocking. */
    void handle(HttpServerExchange exchange) {
        Query query = query(exchange);
        if (query == null) {
            return;
        }
        if (exchange.getRequestContentLength() > options.maxBodyBytes()) {
            Responses.tooLarge(exchange, options.maxBodyBytes());
            return;
        }
        if (capacity.predictionsFull() || !capacity.startUpload()) {
            Responses.busy(exchange, "the server is busy; retry later");
            return;
        }
        Upload.receive(exchange, options, capacity, (received, body) -> queue(received, body, query));
    }

    private void queue(HttpServerExchange exchange, byte[] body, Query query) {
        if (!capacity.startPrediction()) {
            Responses.busy(exchange, "all workers are busy and the queue is full; retry later");
            return;
        }
        exchange.dispatch(workers, () -> {
            try {
                explain(exchange, body, query);
            } catch (RuntimeException e) {
                LOG.error("explanation failed unexpectedly", e);
                if (!exchange.isResponseStarted()) {
                    Responses.error(exchange, StatusCodes.INTERNAL_SERVER_ERROR, "internal", "internal error");
                }
            } finally {
                capacity.endPrediction();
            }
        });
    }

    private void explain(HttpServerExchange exchange, byte[] body, Query query) {
        Explanation e;
        try {
            e = classifier.explain(body, query.className(), query.stage());
        } catch (ImageTooLargeException ex) {
            Responses.error(exchange, StatusCodes.REQUEST_ENTITY_TOO_LARGE, "image_too_large", ex.getMessage());
            return;
        } catch (InvalidImageException ex) {
            Responses.error(exchange, StatusCodes.BAD_REQUEST, "invalid_image", ex.getMessage());
            return;
        } catch (GraftException ex) {
            if (ex.exitCode() != GraftException.USAGE) {
                throw ex;
            }
            Responses.error(exchange, StatusCodes.BAD_REQUEST, "bad_request", ex.getMessage());
            return;
        }
        if (query.json()) {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("label", e.label());
            answer.put("class_index", e.classIndex());
            answer.put("probability", e.probability());
            answer.put("stage", e.stage());
            answer.put("map", e.map());
            Responses.json(exchange, StatusCodes.OK, answer);
            return;
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(e.overlay(), "png", png);
        } catch (IOException impossible) { // into memory
            throw new IllegalStateException(impossible);
        }
        exchange.setStatusCode(StatusCodes.OK);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "image/png");
        exchange.getResponseHeaders().put(io.undertow.util.HttpString.tryFromString("X-Graft-Label"), e.label());
        exchange.getResponseHeaders().put(io.undertow.util.HttpString.tryFromString("X-Graft-Probability"),
                Float.toString(e.probability()));
        exchange.getResponseHeaders().put(io.undertow.util.HttpString.tryFromString("X-Graft-Stage"), e.stage());
        exchange.getResponseSender().send(ByteBuffer.wrap(png.toByteArray()));
    }

    /** The query, or null after answering 400 for a bad {@code format}. */
    private static Query query(HttpServerExchange exchange) {
        String format = first(exchange, "format");
        if (format != null && !format.equals("png") && !format.equals("json")) {
            Responses.error(exchange, StatusCodes.BAD_REQUEST, "bad_format", "format must be png or json (was '"
                    + format + "')");
            return null;
        }
        return new Query(first(exchange, "class"), first(exchange, "stage"), "json".equals(format));
    }

    private static String first(HttpServerExchange exchange, String name) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }
}
