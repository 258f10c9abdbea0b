package dev.graft.config;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.io.Serializable;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * One training-time augmentation step as written in {@code data.augment}: a bare name ({@code hflip}),
 * a name with its main parameter ({@code {rotate: 15}}) or a name with a mapping of parameters
 * ({@code {color_jitter: {brightness: 0.2}}}).
 *
 * <p>Each op is one record in {@code dev.graft.data.AugmentOp} holding everything about it: its name and
 * shorthand ({@link Op}), its parameters ({@link Doc}), their defaults and checks, and the pixel work. This
 * package, which depends on nothing of Graft's, finds those records through the {@link Catalog} service
 * ({@code META-INF/services}), binds and validates them like any other section, and lists them in the README.
 * A step may instead name a DataVec image transform class ({@link DataVecTransform}). Steps are serialisable
 * values, so a cluster's executors get the same list with the samples (no YAML round trip).
 */
public interface Augmentation extends ConfigSection, Serializable {

    /** How an op is written in YAML and what it does (the README's op table comes from here). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface Op {
        /** The op name in {@code data.augment}. */
        String name();

        /** The parameter a scalar sets in the {@code {op: scalar}} shorthand; empty when there is none. */
        String shorthand() default "";

        /** One sentence for the README. */
        String doc();
    }

    /** The op records, in the order the README lists them. */
    interface Catalog {
        List<Class<? extends Augmentation>> ops();
    }

    /** Op name -> record type, in the order the README lists them. */
    Map<String, Class<? extends Augmentation>> OPS = opsByName();

    private static Map<String, Class<? extends Augmentation>> opsByName() {
        Map<String, Class<? extends Augmentation>> ops = new LinkedHashMap<>();
        for (Catalog catalog : ServiceLoader.load(Catalog.class, Augmentation.class.getClassLoader())) {
            catalog.ops().forEach(type -> ops.put(spec(type).name(), type));
        }
        if (ops.isEmpty()) {
            throw new IllegalStateException("no augmentation ops on the class path (META-INF/services/"
                    + Catalog.class.getName() + " is missing)");
        }
        return Collections.unmodifiableMap(ops);
    }

    /** The {@link Op} annotation of an op record. */
    static Op spec(Class<? extends Augmentation> type) {
        Op op = type.getAnnotation(Op.class);
        if (op == null) {
            throw new IllegalStateException(type.getName() + " has no @Augmentation.Op");
        }
        return op;
    }

    /** The op name used in YAML. */
    default String op() {
        return spec(getClass()).name();
    }

    static Augmentation fromYaml(JsonNode node, String path, ConfigErrors errors, RecordBinder binder) {
        String name;
        JsonNode params;
        if (node.isObject() && node.has(DataVecTransform.KEY)) {
            return DataVecTransform.fromYaml(node, path, errors);
        }
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
            String field = spec(type).shorthand();
            if (field.isEmpty()) {
                errors.add(opPath, (parameterNames(type).isEmpty() ? "takes no parameters; write the bare name"
                        : "takes a mapping of parameters " + parameterNames(type)) + " (was "
                        + RecordBinder.describe(params) + ")");
                return null;
            }
            params = JsonNodeFactory.instance.objectNode().set(field, params);
        }
        return (Augmentation) binder.bindValue(params, type, null, opPath, errors);
    }

    private static List<String> parameterNames(Class<? extends Augmentation> type) {
        return Arrays.stream(type.getRecordComponents()).map(c -> RecordBinder.yamlKey(c.getName())).toList();
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

    /** The README's op table: name, shorthand (with its default) and what the op does. */
    static String opTableMarkdown() {
        StringBuilder out = new StringBuilder("| op | shorthand | what it does |\n|---|---|---|\n");
        for (Map.Entry<String, Class<? extends Augmentation>> e : OPS.entrySet()) {
            Op spec = spec(e.getValue());
            out.append("| `").append(e.getKey()).append("` | ").append(shorthandExample(e.getValue(), spec))
                    .append(" | ").append(spec.doc()).append(" |\n");
        }
        return out.toString();
    }

    private static String shorthandExample(Class<? extends Augmentation> type, Op spec) {
        if (spec.shorthand().isEmpty()) {
            return "none (bare name or mapping)";
        }
        Object defaults = RecordBinder.defaultsOf(type.asSubclass(Record.class));
        Object value = ((Augmentation) defaults).yaml().get(spec.name()) instanceof Map<?, ?> m
                ? m.get(spec.shorthand()) : null;
        return "`{" + spec.name() + ": " + value + "}` sets `" + spec.shorthand() + "`";
    }
}
