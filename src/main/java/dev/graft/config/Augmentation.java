package dev.graft.config;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One training-time augmentation step as written in {@code data.augment}: a bare name ({@code hflip}),
 * a name with its main parameter ({@code {rotate: 15}}) or a name with a mapping of parameters
 * ({@code {color_jitter: {brightness: 0.2}}}). The pixel work is done by {@code dev.graft.data}.
 */
public sealed interface Augmentation extends ConfigSection {

    /** The op name used in YAML. */
    String op();

    /** Crop a random area (fraction {@code scale} of the image, aspect {@code ratio}) and resize to image_size. */
    record RandomResizedCrop(@Doc("Area fraction range [min, max]") List<Double> scale,
                             @Doc("Aspect ratio range [min, max]") List<Double> ratio) implements Augmentation {
        public static RandomResizedCrop defaults() {
            return new RandomResizedCrop(List.of(0.08, 1.0), List.of(0.75, 4.0 / 3.0));
        }

        public String op() {
            return "random_resized_crop";
        }

        @Override
        public void validate(String path, ConfigErrors errors) {
            if (errors.check(scale.size() == 2, path + ".scale", "must be [min, max]")) {
                errors.check(scale.get(0) > 0 && scale.get(0) <= scale.get(1) && scale.get(1) <= 1,
                        path + ".scale", "must satisfy 0 < min <= max <= 1 (was " + scale + ")");
            }
            if (errors.check(ratio.size() == 2, path + ".ratio", "must be [min, max]")) {
                errors.check(ratio.get(0) > 0 && ratio.get(0) <= ratio.get(1), path + ".ratio",
                        "must satisfy 0 < min <= max (was " + ratio + ")");
            }
        }
    }

    /** Mirror left-right with probability p. */
    record HFlip(@Doc("Probability") double p) implements Augmentation {
        public static HFlip defaults() {
            return new HFlip(0.5);
        }

        public String op() {
            return "hflip";
        }

        @Override
        public void validate(String path, ConfigErrors errors) {
            errors.probability(path + ".p", p);
        }
    }

    /** Mirror top-bottom with probability p. */
    record VFlip(@Doc("Probability") double p) implements Augmentation {
        public static VFlip defaults() {
            return new VFlip(0.5);
        }

        public String op() {
            return "vflip";
        }

        @Override
        public void validate(String path, ConfigErrors errors) {
            errors.probability(path + ".p", p);
        }
    }

    /** Rotate by a uniform angle in [-degrees, degrees]. */
    record Rotate(@Doc("Maximum angle either way") double degrees) implements Augmentation {
        public static Rotate defaults() {
            return new Rotate(15);
        }

        public String op() {
            return "rotate";
        }

        @Override
        public void validate(String path, ConfigErrors errors) {
            errors.check(degrees > 0 && degrees <= 180, path + ".degrees",
                    "must be in (0, 180] (was " + ConfigErrors.fmt(degrees) + ")");
        }
    }

    /** Random brightness / contrast / saturation factors in [1-x, 1+x]. */
    record ColorJitter(@Doc("Brightness factor range 1 +- x") double brightness,
                       @Doc("Contrast factor range 1 +- x") double contrast,
                       @Doc("Saturation factor range 1 +- x") double saturation) implements Augmentation {
        public static ColorJitter defaults() {
            return new ColorJitter(0.2, 0.2, 0.2);
        }

        public String op() {
            return "color_jitter";
        }

        @Override
        public void validate(String path, ConfigErrors errors) {
            errors.inRange(path + ".brightness", brightness, 0, 1);
            errors.inRange(path + ".contrast", contrast, 0, 1);
            errors.inRange(path + ".saturation", saturation, 0, 1);
        }
    }

    /** Pad by {@code padding} pixels (reflect) and crop back to the original size at a random offset. */
    record RandomCrop(@Doc("Reflect-padding in pixels before cropping back") int padding) implements Augmentation {
        public static RandomCrop defaults() {
            return new RandomCrop(4);
        }

        public String op() {
            return "random_crop";
        }

        @Override
        public void validate(String path, ConfigErrors errors) {
            errors.nonNegative(path + ".padding", padding);
        }
    }

    /** Convert to grey (kept as 3 equal channels) with probability p. */
    record Grayscale(@Doc("Probability") double p) implements Augmentation {
        public static Grayscale defaults() {
            return new Grayscale(0.1);
        }

        public String op() {
            return "grayscale";
        }

        @Override
        public void validate(String path, ConfigErrors errors) {
            errors.probability(path + ".p", p);
        }
    }

    /** Gaussian blur with sigma uniform in [min, max], applied with probability p. */
    record GaussianBlur(@Doc("Sigma range [min, max] in pixels") List<Double> sigma,
                        @Doc("Probability") double p) implements Augmentation {
        public static GaussianBlur defaults() {
            return new GaussianBlur(List.of(0.1, 2.0), 0.5);
        }

        public String op() {
            return "gaussian_blur";
        }

        @Override
        public void validate(String path, ConfigErrors errors) {
            if (errors.check(sigma.size() == 2, path + ".sigma", "must be [min, max]")) {
                errors.check(sigma.get(0) > 0 && sigma.get(0) <= sigma.get(1), path + ".sigma",
                        "must satisfy 0 < min <= max (was " + sigma + ")");
            }
            errors.probability(path + ".p", p);
        }
    }

    /** Op name -> record type, in the order the README lists them. */
    Map<String, Class<? extends Augmentation>> OPS = opsByName();

    /** For {@code {op: scalar}} shorthand: which parameter the scalar sets. */
    Map<String, String> SHORTHAND = Map.of("hflip", "p", "vflip", "p", "rotate", "degrees",
            "random_crop", "padding", "grayscale", "p");

    private static Map<String, Class<? extends Augmentation>> opsByName() {
        Map<String, Class<? extends Augmentation>> ops = new LinkedHashMap<>();
        ops.put("random_resized_crop", RandomResizedCrop.class);
        ops.put("hflip", HFlip.class);
        ops.put("vflip", VFlip.class);
        ops.put("rotate", Rotate.class);
        ops.put("color_jitter", ColorJitter.class);
        ops.put("random_crop", RandomCrop.class);
        ops.put("grayscale", Grayscale.class);
        ops.put("gaussian_blur", GaussianBlur.class);
        return java.util.Collections.unmodifiableMap(ops);
    }

    static Augmentation fromYaml(JsonNode node, String path, ConfigErrors errors, RecordBinder binder) {
        String name;
        JsonNode params;
        if (node.isTextual()) {
            name = node.asText();
            params = null;
        } else if (node.isObject() && node.size() == 1) {
            name = node.fieldNames().next();
            params = node.get(name);
        } else {
            errors.add(path, "must be an op name or {op: parameters} (was " + RecordBinder.describe(node) + ")");
            return null;
        }
        Class<? extends Augmentation> type = OPS.get(name);
        if (type == null) {
            errors.add(path, RecordBinder.unknownValueMessage(name, List.copyOf(OPS.keySet())));
            return null;
        }
        String opPath = path + "." + name;
        if (params == null || params.isNull()) {
            return (Augmentation) RecordBinder.defaultsOf(type.asSubclass(Record.class));
        }
        if (params.isValueNode()) {
            String field = SHORTHAND.get(name);
            if (field == null) {
                errors.add(opPath, "takes a mapping of parameters " + parameterNames(type)
                        + " (was " + RecordBinder.describe(params) + ")");
                return null;
            }
            params = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().set(field, params);
        }
        return (Augmentation) binder.bindValue(params, type, null, opPath, errors);
    }

    private static List<String> parameterNames(Class<? extends Augmentation> type) {
        return java.util.Arrays.stream(type.getRecordComponents())
                .map(c -> RecordBinder.yamlKey(c.getName())).toList();
    }

    /** Written back as {@code {op: {param: value, ...}}}. */
    @JsonValue
    default Map<String, Object> yaml() {
        Map<String, Object> params = new LinkedHashMap<>();
        for (RecordComponent c : getClass().getRecordComponents()) {
            try {
                params.put(RecordBinder.yamlKey(c.getName()), c.getAccessor().invoke(this));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return Map.of(op(), params);
    }
}
