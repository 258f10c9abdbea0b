package dev.graft.serve;

import dev.graft.config.HeadConfig;
import dev.graft.export.Classifier;
import dev.graft.export.ImageTooLargeException;
import dev.graft.export.InvalidImageException;
import dev.graft.export.OnnxExporter;
import dev.graft.export.Prediction;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * The Open Inference Protocol (KServe v2) REST API next to Graft's own: {@code GET /v2/health/live},
 * {@code GET /v2/health/ready}, {@code GET /v2} (server metadata), {@code GET /v2/models/NAME} (model metadata),
 * {@code GET /v2/models/NAME/ready} and {@code POST /v2/models/NAME/infer} ({@link InferRequest}). The model is
 * unversioned: a {@code /versions/V} segment gets 404. Errors are the protocol's {@code {"error": "..."}}
 * ({@link Responses#error}). The infer body is received like {@code /v1/predict}'s ({@link Upload}), and its images
 * go through the same {@link ModelCalls}, dynamic batching included.
 */
final class OpenInference {
    /** The API's prefix. */
    static final String PREFIX = "/v2";
    static final String LIVE = "/v2/health/live";
    static final String READY = "/v2/health/ready";
    private static final String MODELS = "/v2/models/";

    private final Classifier classifier;
    private final ServerOptions options;
    private final Capacity capacity;
    private final Executor workers;
    private final ModelCalls calls;
    private final String name;

    OpenInference(Classifier classifier, ServerOptions options, Capacity capacity, Executor workers, ModelCalls calls) {
        this.classifier = classifier;
        this.options = options;
        this.capacity = capacity;
        this.workers = workers;
        this.calls = calls;
        this.name = modelName(classifier, options);
    }

    /** {@code --model-name}, else the bundle's experiment name, else its folder's name. */
    static String modelName(Classifier classifier, ServerOptions options) {
        if (options.modelName() != null) {
            return options.modelName();
        }
        if (classifier.manifest() != null && classifier.manifest().name() != null) {
            return classifier.manifest().name();
        }
        return classifier.source().getFileName().toString();
    }

    /** The model's name in the routes. */
    String name() {
        return name;
    }

    /** Whether {@code path} is one of the health routes, which stay open without an API key. */
    static boolean health(String path) {
        return path.equals(LIVE) || path.equals(READY);
    }

    /**
     * The route of a {@code /v2} path for the metrics, the model name replaced by {@code {name}} (any name, so the
     * label set stays bounded); null for other paths.
     */
    static String route(String path) {
        if (path.equals(PREFIX) || health(path)) {
            return path;
        }
        if (!path.startsWith(MODELS)) {
            return null;
        }
        String[] rest = path.substring(MODELS.length()).split("/", -1);
        if (rest.length == 1 && !rest[0].isEmpty()) {
            return MODELS + "{name}";
        }
        if (rest.length == 2 && (rest[1].equals("ready") || rest[1].equals("infer"))) {
            return MODELS + "{name}/" + rest[1];
        }
        return null;
    }

    /** Answers a request whose path starts with {@link #PREFIX}. */
    void handle(HttpServerExchange exchange, String path) {
        HttpString method = exchange.getRequestMethod();
        if (path.equals(PREFIX) || path.equals(PREFIX + "/")) {
            if (Responses.methodAllowed(exchange, method, Methods.GET)) {
                Responses.json(exchange, StatusCodes.OK, Map.of("name", "graft", "version", graftVersion(),
                        "extensions", List.of()));
            }
        } else if (path.equals(LIVE)) {
            if (Responses.methodAllowed(exchange, method, Methods.GET)) {
                Responses.json(exchange, StatusCodes.OK, Map.of("live", true));
            }
        } else if (path.equals(READY)) {
            if (Responses.methodAllowed(exchange, method, Methods.GET)) {
                ready(exchange);
            }
        } else if (path.startsWith(MODELS)) {
            model(exchange, method, path.substring(MODELS.length()).split("/", -1));
        } else {
            notFound(exchange, "no endpoint " + path);
        }
    }

    /** {@code NAME}, {@code NAME/ready}, {@code NAME/infer}, with an optional {@code versions/V} after the name. */
    private void model(HttpServerExchange exchange, HttpString method, String[] parts) {
        if (!parts[0].equals(name)) {
            Responses.error(exchange, StatusCodes.NOT_FOUND, "not_found", "unknown model '" + parts[0]
                    + "'; this server serves '" + name + "'");
            return;
        }
        if (parts.length >= 3 && parts[1].equals("versions")) {
            Responses.error(exchange, StatusCodes.NOT_FOUND, "not_found", "model '" + name + "' has no version '"
                    + parts[2] + "': it is served unversioned, at " + MODELS + name);
            return;
        }
        String action = parts.length == 1 ? "" : parts.length == 2 ? parts[1] : null;
        if ("".equals(action)) {
            if (Responses.methodAllowed(exchange, method, Methods.GET)) {
                Responses.json(exchange, StatusCodes.OK, metadata());
            }
        } else if ("ready".equals(action)) {
            if (Responses.methodAllowed(exchange, method, Methods.GET)) {
                ready(exchange);
            }
        } else if ("infer".equals(action)) {
            if (Responses.methodAllowed(exchange, method, Methods.POST)) {
                infer(exchange);
            }
        } else {
            notFound(exchange, "no endpoint " + exchange.getRequestPath());
        }
    }

    /** 200 {@code {"ready": true}} when a new inference would be accepted, else 400 as the protocol says (4xx). */
    private void ready(HttpServerExchange exchange) {
        boolean ready = capacity.ready();
        Responses.json(exchange, ready ? StatusCodes.OK : StatusCodes.BAD_REQUEST, Map.of("ready", ready));
    }

    private static void notFound(HttpServerExchange exchange, String message) {
        Responses.error(exchange, StatusCodes.NOT_FOUND, "not_found", message + "; the Open Inference Protocol "
                + "routes are GET /v2, GET /v2/health/live, GET /v2/health/ready, GET /v2/models/NAME, "
                + "GET /v2/models/NAME/ready and POST /v2/models/NAME/infer");
    }

    /** The model metadata: its inputs (either one) and outputs with datatype and shape ({@code -1}: any batch). */
    Map<String, Object> metadata() {
        int size = classifier.preprocessing().imageSize();
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        metadata.put("platform", classifier.engine() == Classifier.Engine.ONNX ? "onnxruntime_onnx"
                : "deeplearning4j");
        metadata.put("inputs", List.of(tensor(InferRequest.TENSOR, "FP32", -1, 3, size, size),
                tensor(InferRequest.IMAGES, "BYTES", -1)));
        List<Map<String, Object>> outputs = new ArrayList<>();
        outputs.add(tensor(valuesOutput(), "FP32", -1, classifier.labels().size()));
        if (classifier.problem() == HeadConfig.Problem.SINGLE_LABEL) {
            outputs.add(tensor(LABEL, "BYTES", -1));
        }
        metadata.put("outputs", outputs);
        metadata.put("parameters", Map.of("labels", classifier.labels(), "problem",
                classifier.problem().toString(), "engine", classifier.engine().toString()));
        return metadata;
    }

    /** The most probable class of a single-label model, per image. */
    static final String LABEL = "label";

    private String valuesOutput() {
        return classifier.problem() == HeadConfig.Problem.REGRESSION ? OnnxExporter.VALUE
                : OnnxExporter.PROBABILITIES;
    }

    private List<String> outputNames() {
        return classifier.problem() == HeadConfig.Problem.SINGLE_LABEL ? List.of(valuesOutput(), LABEL)
                : List.of(valuesOutput());
    }

    private static Map<String, Object> tensor(String name, String datatype, long... shape) {
        Map<String, Object> tensor = new LinkedHashMap<>();
        tensor.put("name", name);
        tensor.put("datatype", datatype);
        tensor.put("shape", shape);
        return tensor;
    }

    private void infer(HttpServerExchange exchange) {
        if (exchange.getRequestContentLength() > options.maxBodyBytes()) {
            Responses.tooLarge(exchange, options.maxBodyBytes());
            return;
        }
        if (capacity.predictionsFull() || !capacity.startUpload()) {
            Responses.busy(exchange, "the server is at its bounds (workers, queue or uploads); retry later");
            return;
        }
        Upload.receive(exchange, options, capacity, (received, body) -> Work.start(received, workers, capacity,
                () -> infer(received, body)));
    }

    /** On a worker: parses the request, prepares the images, runs the model and answers. */
    private void infer(HttpServerExchange exchange, byte[] body) {
        InferRequest request;
        List<float[]> images;
        try {
            request = InferRequest.parse(body, classifier.preprocessing().imageSize(), outputNames());
            images = images(request);
        } catch (ImageTooLargeException e) {
            Responses.error(exchange, StatusCodes.REQUEST_ENTITY_TOO_LARGE, "image_too_large", e.getMessage());
            return;
        } catch (InferRequest.BadRequest | InvalidImageException e) {
            Responses.error(exchange, StatusCodes.BAD_REQUEST, "bad_request", e.getMessage());
            return;
        }
        Responses.json(exchange, StatusCodes.OK, answer(request, calls.run(images)));
    }

    /** The request's images, preprocessed: the tensor cut per image, or each encoded image decoded. */
    private List<float[]> images(InferRequest request) {
        List<float[]> images = new ArrayList<>(request.n());
        if (request.tensor() != null) {
            int length = classifier.inputLength();
            for (int i = 0; i < request.n(); i++) {
                images.add(Arrays.copyOfRange(request.tensor(), i * length, (i + 1) * length));
            }
            return images;
        }
        for (int i = 0; i < request.n(); i++) {
            try {
                images.add(classifier.preprocess(request.encoded().get(i)));
            } catch (ImageTooLargeException e) {
                throw new ImageTooLargeException("image " + i + ": " + e.getMessage());
            } catch (InvalidImageException e) {
                throw new InvalidImageException("image " + i + ": " + e.getMessage());
            }
        }
        return images;
    }

    private Map<String, Object> answer(InferRequest request, float[][] outputs) {
        List<Map<String, Object>> tensors = new ArrayList<>();
        int n = outputs.length;
        for (String output : request.outputs()) {
            Map<String, Object> tensor;
            if (output.equals(LABEL)) {
                tensor = tensor(LABEL, "BYTES", n);
                tensor.put("data", Arrays.stream(outputs).map(classifier::prediction).map(Prediction::label)
                        .toList());
            } else {
                int width = outputs[0].length;
                float[] flat = new float[n * width];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(outputs[i], 0, flat, i * width, width);
                }
                tensor = tensor(output, "FP32", n, width);
                tensor.put("data", flat);
            }
            tensors.add(tensor);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("model_name", name);
        if (request.id() != null) {
            answer.put("id", request.id());
        }
        answer.put("outputs", tensors);
        return answer;
    }

    /** The running Graft's version, from the resource the build writes (the CLI's {@code --version} reads it). */
    private static String graftVersion() {
        Properties p = new Properties();
        try (InputStream in = OpenInference.class.getResourceAsStream("/graft-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // an unknown version
        }
        return p.getProperty("version", "unknown");
    }
}
