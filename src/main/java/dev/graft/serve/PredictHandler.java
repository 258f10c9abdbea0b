package dev.graft.serve;

import dev.graft.GraftException;
import dev.graft.export.Classifier;
import dev.graft.export.InvalidImageException;
import dev.graft.export.Prediction;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.MultipartParser;
import io.undertow.util.StatusCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /v1/predict} on a worker thread: the body is one encoded image, or {@code multipart/form-data}
 * with one or more file parts; {@code ?top=k} sets how many classes come back per image. Bad input is answered
 * with 400 (not an image, corrupt, empty, bad {@code top}) or 413 (too large), never 500.
 */
final class PredictHandler {
    private static final Logger LOG = LoggerFactory.getLogger(PredictHandler.class);

    private final Classifier classifier;
    private final ServerOptions options;

    PredictHandler(Classifier classifier, ServerOptions options) {
        this.classifier = classifier;
        this.options = options;
    }

    /** An image of the request: its part's file name ({@code body} for a raw body) and its bytes. */
    private record Image(String name, byte[] bytes) {
    }

    void handle(HttpServerExchange exchange) {
        long start = System.nanoTime();
        Integer top = top(exchange);
        if (top == null) {
            return;
        }
        if (exchange.getRequestContentLength() > options.maxBodyBytes()) {
            tooLarge(exchange);
            return;
        }
        exchange.startBlocking();
        List<Image> images;
        try {
            images = read(exchange);
        } catch (IOException e) {
            Responses.error(exchange, StatusCodes.BAD_REQUEST, "bad_body", "cannot read the request body: "
                    + e.getMessage());
            return;
        }
        if (images == null) {
            return;
        }
        if (images.isEmpty()) {
            Responses.error(exchange, StatusCodes.BAD_REQUEST, "no_image",
                    "the multipart body has no file part; send the image as a file part or as the raw body");
            return;
        }
        List<Prediction> predictions;
        try {
            predictions = classifier.predictEncoded(images.stream().map(Image::bytes).toList());
        } catch (InvalidImageException e) {
            Responses.error(exchange, StatusCodes.BAD_REQUEST, "invalid_image", culprit(images, e));
            return;
        } catch (GraftException | IllegalArgumentException e) {
            LOG.error("prediction failed", e);
            Responses.error(exchange, StatusCodes.INTERNAL_SERVER_ERROR, "internal", "the model failed: "
                    + e.getMessage());
            return;
        }
        List<Map<String, Object>> results = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            Prediction p = predictions.get(i);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("image", images.get(i).name());
            r.put("label", p.label());
            r.put("probability", p.probability());
            r.put("top", p.top(top));
            results.add(r);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("predictions", results);
        body.put("engine", classifier.engine().toString());
        body.put("elapsed_ms", Math.round((System.nanoTime() - start) / 1e4) / 100.0);
        Responses.json(exchange, StatusCodes.OK, body);
    }

    /** {@code ?top=k}: 1 or more (capped at the class count); null after answering 400. */
    private Integer top(HttpServerExchange exchange) {
        Deque<String> values = exchange.getQueryParameters().get("top");
        if (values == null || values.isEmpty()) {
            return options.defaultTop();
        }
        try {
            int k = Integer.parseInt(values.getFirst().trim());
            if (k >= 1) {
                return k;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        Responses.error(exchange, StatusCodes.BAD_REQUEST, "bad_top", "top must be an integer >= 1 (was '"
                + values.getFirst() + "')");
        return null;
    }

    /** The request's images; null (after answering 413) when the body is larger than the limit. */
    private List<Image> read(HttpServerExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getInputStream()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, options.maxBodyBytes() + 1));
        }
        if (body.length > options.maxBodyBytes()) {
            tooLarge(exchange);
            return null;
        }
        String type = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            return List.of(new Image("body", body));
        }
        String boundary = Headers.extractQuotedValueFromHeader(type, "boundary");
        if (boundary == null) {
            throw new IOException("multipart/form-data without a boundary");
        }
        FileParts parts = new FileParts();
        MultipartParser.ParseState state = MultipartParser.beginParse(exchange.getConnection().getByteBufferPool(),
                parts, boundary.getBytes(StandardCharsets.US_ASCII), StandardCharsets.UTF_8.name());
        state.parse(ByteBuffer.wrap(body));
        if (!state.isComplete()) {
            throw new IOException("the multipart body ends before its closing boundary");
        }
        return parts.images;
    }

    /** Collects the file parts (those with a {@code filename}) of a multipart body. */
    private static final class FileParts implements MultipartParser.PartHandler {
        final List<Image> images = new ArrayList<>();
        private String fileName;
        private ByteArrayOutputStream data;

        @Override
        public void beginPart(HeaderMap headers) {
            String disposition = headers.getFirst(Headers.CONTENT_DISPOSITION);
            fileName = disposition == null ? null : Headers.extractQuotedValueFromHeader(disposition, "filename");
            data = new ByteArrayOutputStream();
        }

        @Override
        public void data(ByteBuffer buffer) {
            byte[] chunk = new byte[buffer.remaining()];
            buffer.get(chunk);
            data.writeBytes(chunk);
        }

        @Override
        public void endPart() {
            if (fileName != null) {
                images.add(new Image(fileName, data.toByteArray()));
            }
        }
    }

    /** The message naming the first unreadable image of a multi-image request. */
    private String culprit(List<Image> images, InvalidImageException e) {
        if (images.size() == 1) {
            return e.getMessage();
        }
        for (Image image : images) {
            try {
                classifier.predict(image.bytes());
            } catch (InvalidImageException bad) {
                return image.name() + ": " + bad.getMessage();
            }
        }
        return e.getMessage();
    }

    private void tooLarge(HttpServerExchange exchange) {
        exchange.setPersistent(false); // the rest of the body is not read; the connection closes after the answer
        Responses.error(exchange, StatusCodes.REQUEST_ENTITY_TOO_LARGE, "too_large", String.format(Locale.ROOT,
                "the request body is larger than the limit of %d bytes", options.maxBodyBytes()));
    }
}
