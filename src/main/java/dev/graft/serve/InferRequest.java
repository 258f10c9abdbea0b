package dev.graft.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An Open Inference Protocol inference request ({@code POST /v2/models/NAME/infer}), parsed and checked against the
 * model's metadata: one input, either {@link #TENSOR} ({@code FP32 [N, 3, H, W]}, already preprocessed; {@code data}
 * flat or nested, row-major) or {@link #IMAGES} ({@code BYTES [N]}, each element an encoded image as a base64
 * string, KServe's convention for binary data in JSON); the requested {@code outputs} (all when absent); the
 * request {@code id} to echo. Request and tensor {@code parameters} must be objects; their keys are ignored except
 * those of the binary tensor extension, which is not supported.
 *
 * @param id      the request's {@code id} (null when absent)
 * @param tensor  the preprocessed images, {@code n} planar images in one array (null for encoded images)
 * @param encoded the encoded images (null for a tensor)
 * @param n       number of images
 * @param outputs the outputs to answer, in the model's order
 */
record InferRequest(String id, float[] tensor, List<byte[]> encoded, int n, List<String> outputs) {
    /** The preprocessed-tensor input. */
    static final String TENSOR = "pixel_values";
    /** The encoded-images input. */
    static final String IMAGES = "image";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> BINARY_EXTENSION = Set.of("binary_data_size", "binary_data",
            "binary_data_output");

    /** A request the protocol says to answer with 400; the message says what to change. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }

    /**
     * @param size        the model's input side ({@code H = W})
     * @param outputNames the model's outputs, in order
     * @throws BadRequest for anything the model cannot take, with what it takes instead
     */
    static InferRequest parse(byte[] body, int size, List<String> outputNames) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadRequest("the body is not JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new BadRequest("cannot read the body: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadRequest("the body must be a JSON object with \"inputs\"");
        }
        checkParameters(root, "the request");
        JsonNode id = root.get("id");
        if (id != null && !id.isTextual()) {
            throw new BadRequest("\"id\" must be a string");
        }
        JsonNode inputs = root.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.size() != 1) {
            throw new BadRequest("\"inputs\" must list exactly one input: " + TENSOR + " (FP32 [N, 3, " + size + ", "
                    + size + "], preprocessed) or " + IMAGES + " (BYTES [N], base64-encoded image files)");
        }
        List<String> outputs = outputs(root.get("outputs"), outputNames);
        JsonNode input = inputs.get(0);
        if (!input.isObject()) {
            throw new BadRequest("an input must be an object with name, datatype, shape and data");
        }
        checkParameters(input, "the input");
        String name = text(input, "name");
        String datatype = text(input, "datatype");
        long[] shape = shape(input.get("shape"));
        JsonNode data = input.get("data");
        if (data == null || !data.isArray()) {
            throw new BadRequest("the input needs \"data\", an array (flat or nested, row-major)");
        }
        String theId = id == null ? null : id.asText();
        if (name.equals(TENSOR)) {
            expect(datatype, "FP32", name);
            float[] tensor = tensor(shape, data, size);
            return new InferRequest(theId, tensor, null, (int) shape[0], outputs);
        }
        if (name.equals(IMAGES)) {
            expect(datatype, "BYTES", name);
            List<byte[]> images = images(shape, data);
            return new InferRequest(theId, null, images, images.size(), outputs);
        }
        throw new BadRequest("unknown input '" + name + "'; the model takes " + TENSOR + " (FP32) or " + IMAGES
                + " (BYTES)");
    }

    private static List<String> outputs(JsonNode requested, List<String> names) {
        if (requested == null) {
            return names;
        }
        if (!requested.isArray() || requested.isEmpty()) {
            throw new BadRequest("\"outputs\" must be a non-empty array of {\"name\": ...}; leave it out for all");
        }
        List<String> chosen = new ArrayList<>();
        for (JsonNode output : requested) {
            if (!output.isObject()) {
                throw new BadRequest("each of \"outputs\" must be an object with a name");
            }
            checkParameters(output, "an output");
            String name = text(output, "name");
            if (!names.contains(name)) {
                throw new BadRequest("unknown output '" + name + "'; the model has " + String.join(", ", names));
            }
            chosen.add(name);
        }
        return names.stream().filter(chosen::contains).toList();
    }

    private static void checkParameters(JsonNode node, String what) {
        JsonNode parameters = node.get("parameters");
        if (parameters == null) {
            return;
        }
        if (!parameters.isObject()) {
            throw new BadRequest("\"parameters\" of " + what + " must be an object");
        }
        for (Map.Entry<String, JsonNode> p : (Iterable<Map.Entry<String, JsonNode>>) parameters::fields) {
            if (BINARY_EXTENSION.contains(p.getKey()) && !p.getValue().asText().equals("false")) {
                throw new BadRequest("the binary tensor extension (" + p.getKey() + ") is not supported; send "
                        + "the data in the JSON");
            }
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new BadRequest("\"" + field + "\" must be a string");
        }
        return value.asText();
    }

    private static void expect(String datatype, String expected, String name) {
        if (!datatype.equals(expected)) {
            throw new BadRequest("input " + name + " is " + expected + " (was " + datatype + ")");
        }
    }

    private static long[] shape(JsonNode shape) {
        if (shape == null || !shape.isArray() || shape.isEmpty()) {
            throw new BadRequest("\"shape\" must be a non-empty array of sizes");
        }
        long[] sizes = new long[shape.size()];
        for (int i = 0; i < sizes.length; i++) {
            JsonNode s = shape.get(i);
            if (!s.canConvertToLong() || !s.isIntegralNumber() || s.asLong() < 0) {
                throw new BadRequest("\"shape\" must hold sizes >= 0 (was " + shape + ")");
            }
            sizes[i] = s.asLong();
        }
        return sizes;
    }

    private static float[] tensor(long[] shape, JsonNode data, int size) {
        if (shape.length != 4 || shape[0] < 1 || shape[0] > Integer.MAX_VALUE / (3L * size * size) || shape[1] != 3 || shape[2] != size || shape[3] != size) {
            throw new BadRequest("input " + TENSOR + " has shape [N, 3, " + size + ", " + size + "] with N >= 1 (was "
                    + java.util.Arrays.toString(shape) + ")");
        }
        long count = shape[0] * 3 * size * size;
        List<JsonNode> values = flatten(data, count);
        float[] tensor = new float[values.size()];
        for (int i = 0; i < tensor.length; i++) {
            JsonNode v = values.get(i);
            if (!v.isNumber()) {
                throw new BadRequest("element " + i + " of " + TENSOR + " is not a number");
            }
            tensor[i] = v.floatValue();
        }
        return tensor;
    }

    private static List<byte[]> images(long[] shape, JsonNode data) {
        long count = 1;
        for (long s : shape) {
            count = s == 0 ? 0 : count > Integer.MAX_VALUE / s ? Integer.MAX_VALUE : count * s; // no overflow
        }
        if (count < 1) {
            throw new BadRequest("input " + IMAGES + " needs at least one image");
        }
        List<byte[]> images = new ArrayList<>();
        List<JsonNode> values = flatten(data, count);
        for (int i = 0; i < values.size(); i++) {
            JsonNode v = values.get(i);
            if (!v.isTextual()) {
                throw new BadRequest("element " + i + " of " + IMAGES + " must be a base64 string");
            }
            try {
                images.add(Base64.getDecoder().decode(v.asText()));
            } catch (IllegalArgumentException e) {
                throw new BadRequest("element " + i + " of " + IMAGES + " is not base64: " + e.getMessage());
            }
        }
        return images;
    }

    /** The elements of {@code data}, nested arrays flattened in row-major order; exactly {@code count} of them. */
    private static List<JsonNode> flatten(JsonNode data, long count) {
        List<JsonNode> out = new ArrayList<>();
        if (!flatten(data, count, out) || out.size() != count) {
            throw new BadRequest("\"data\" must hold " + count + " elements, as the shape says (has "
                    + (out.size() > count ? "more" : out.size()) + ")");
        }
        return out;
    }

    private static boolean flatten(JsonNode node, long count, List<JsonNode> out) {
        if (!node.isArray()) {
            out.add(node);
            return out.size() <= count;
        }
        for (JsonNode child : node) {
            if (!flatten(child, count, out)) {
                return false;
            }
        }
        return true;
    }
}
