package dev.graft.serve;

import dev.graft.export.Classifier;
import dev.graft.export.ImageTooLargeException;
import dev.graft.export.InvalidImageException;
import dev.graft.export.LabelScore;
import dev.graft.export.Prediction;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.MultipartParser;
import io.undertow.util.StatusCodes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * {@code POST /v1/predict}: the body is one encoded image, or {@code multipart/form-data} with one or more file
 * parts; {@code ?top=k} sets how many classes come back per image. Each image's answer has the most probable
 * {@code label}, its {@code probability}, the {@code top} classes and, when the bundle has a decision threshold,
 * the {@code decision} ({@code label}, {@code positive}, {@code positive_class}, {@code positive_probability},
 * {@code threshold}); probabilities are the bundle's calibrated ones. A multi-label bundle answers each image with
 * {@code labels} (those at or above their threshold) and {@code probabilities} (label to probability); a regression
 * bundle with {@code target} (its name) and {@code value} (in its units); {@code top} does not apply to them. The body is received on the I/O thread
 * ({@link Upload}); only a complete request takes a worker. Bad input is answered with 400 (not an image,
 * corrupt, empty, bad {@code top}), 413 (body too large, or an image over the classifier's pixel limit, refused
 * from its header before decoding) or 408 (body too slow), never 500; an
 * unexpected failure is 500 {@code internal} with its stack trace in the log.
 */
final class PredictHandler {

    private final Classifier classifier;
    private final ServerOptions options;
    private final Capacity capacity;
    private final Executor workers;
    private final ModelCalls calls;

    PredictHandler(Classifier classifier, ServerOptions options, Capacity capacity, Executor workers,
                   ModelCalls calls) {
        this.classifier = classifier;
        this.calls = calls;
        this.options = options;
        this.capacity = capacity;
        this.workers = workers;
    }

    /** An image of the request: its part's file name ({@code body} for a raw body) and its bytes. */
    private record Image(String name, byte[] bytes) {
    }

    /** On the I/O thread: checks the query and declared size, then receives the body without blocking. */
    void handle(HttpServerExchange exchange) {
        Integer top = top(exchange);
        if (top == null) {
            return;
        }
        if (exchange.getRequestContentLength() > options.maxBodyBytes()) {
            Responses.tooLarge(exchange, options.maxBodyBytes());
            return;
        }
        if (capacity.predictionsFull()) {
            Responses.busy(exchange, "all workers are busy and the queue is full; retry later");
            return;
        }
        if (!capacity.startUpload()) {
            Responses.busy(exchange, "too many request bodies are being received (" + options.uploads()
                    + "); retry later");
            return;
        }
        Upload.receive(exchange, options, capacity, (received, body) -> queue(received, body, top));
    }

    /** Hands a received request to the worker pool, or answers 503 when workers and queue are full. */
    private void queue(HttpServerExchange exchange, byte[] body, int top) {
        Work.start(exchange, workers, capacity, () -> predict(exchange, body, top));
    }

    /** On a worker: parses the body, decodes the images, runs the model and answers. */
    private void predict(HttpServerExchange exchange, byte[] body, int top) {
        long start = System.nanoTime();
        List<Image> images;
        try {
            images = images(exchange, body);
        } catch (IOException e) {
            Responses.error(exchange, StatusCodes.BAD_REQUEST, "bad_body", "cannot read the request body: "
                    + e.getMessage());
            return;
        }
        if (images.isEmpty()) {
            Responses.error(exchange, StatusCodes.BAD_REQUEST, "no_image",
                    "the multipart body has no file part; send the image as a file part or as the raw body");
            return;
        }
        List<float[]> inputs = new ArrayList<>(images.size());
        for (Image image : images) {
            try {
                inputs.add(classifier.preprocess(image.bytes()));
            } catch (ImageTooLargeException e) {
                Responses.error(exchange, StatusCodes.REQUEST_ENTITY_TOO_LARGE, "image_too_large",
                        culprit(images, image, e));
                return;
            } catch (InvalidImageException e) {
                Responses.error(exchange, StatusCodes.BAD_REQUEST, "invalid_image", culprit(images, image, e));
                return;
            }
        }
        List<Prediction> predictions = Arrays.stream(calls.run(inputs)).map(classifier::prediction).toList();
        Responses.json(exchange, StatusCodes.OK, answer(images, predictions, top, start));
    }

    private Map<String, Object> answer(List<Image> images, List<Prediction> predictions, int top, long start) {
        List<Map<String, Object>> results = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            Prediction p = predictions.get(i);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("image", images.get(i).name());
            switch (p.problem()) {
                case SINGLE_LABEL -> {
                    r.put("label", p.label());
                    r.put("probability", p.probability());
                    r.put("top", p.top(top));
                    p.decision().ifPresent(d -> r.put("decision", d));
                }
                case MULTI_LABEL -> {
                    r.put("labels", p.present().stream().map(LabelScore::label).toList());
                    Map<String, Float> probabilities = new LinkedHashMap<>();
                    for (int j = 0; j < p.labels().size(); j++) {
                        probabilities.put(p.labels().get(j), p.probabilities()[j]);
                    }
                    r.put("probabilities", probabilities);
                }
                case REGRESSION -> {
                    r.put("target", p.labels().get(0));
                    r.put("value", p.value());
                }
            }
            results.add(r);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("predictions", results);
        body.put("engine", classifier.engine().toString());
        body.put("elapsed_ms", Math.round((System.nanoTime() - start) / 1e4) / 100.0);
        return body;
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

    /** The request's images: the body itself, or the file parts of a multipart body. */
    private static List<Image> images(HttpServerExchange exchange, byte[] body) throws IOException {
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

    /** The image's message, naming it when the request has several. */
    private static String culprit(List<Image> images, Image image, RuntimeException e) {
        return images.size() == 1 ? e.getMessage() : image.name() + ": " + e.getMessage();
    }
}
