package dev.graft.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Binds a YAML tree onto immutable config records, collecting every problem instead of stopping at the first.
 *
 * <p>Conventions: YAML keys are the snake_case form of record components; a key the file leaves out takes the
 * value from the record's {@code defaults()}; a type with a static {@code fromYaml(JsonNode, String, ConfigErrors,
 * RecordBinder)} factory binds itself (used for union values such as {@code freeze: all | [stem, stage1]});
 * enums are written in lower case. Jackson is used only for parsing and printing, not for binding, because its
 * binder stops at the first error.
 */
public final class RecordBinder {

    /** Binds {@code node} (an object) to a record, starting from {@code defaults}. Returns null if unusable. */
    public <R extends Record> R bindRecord(JsonNode node, Class<R> type, R defaults, String path,
                                           ConfigErrors errors) {
        if (defaults == null) {
            defaults = defaultsOf(type);
        }
        if (node == null || node.isMissingNode()) {
            return defaults;
        }
        if (!node.isObject()) {
            errors.add(path, "must be a mapping of keys " + keysOf(type) + " (was " + describe(node) + ")");
            return defaults;
        }
        RecordComponent[] components = type.getRecordComponents();
        Map<String, RecordComponent> byKey = new LinkedHashMap<>();
        for (RecordComponent c : components) {
            byKey.put(yamlKey(c.getName()), c);
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!byKey.containsKey(key)) {
                errors.add(join(path, key), unknownKeyMessage(key, byKey.keySet()));
            }
        }
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            Object defaultValue = read(c, defaults);
            JsonNode child = node.get(yamlKey(c.getName()));
            values[i] = child == null ? defaultValue
                    : bindValue(child, c.getGenericType(), defaultValue, join(path, yamlKey(c.getName())), errors);
        }
        R result = construct(type, components, values, path, errors);
        if (result instanceof ConfigSection section) {
            section.validate(path, errors);
        }
        return result;
    }

    /** Binds one value of any supported type; adds an error and returns {@code fallback} if it does not fit. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Object bindValue(JsonNode node, Type type, Object fallback, String path, ConfigErrors errors) {
        Class<?> raw = rawClass(type);
        if (node.isNull()) {
            if (raw.isPrimitive()) {
                errors.add(path, "must not be empty");
                return fallback;
            }
            return raw == List.class ? List.of() : null;
        }
        Method factory = yamlFactory(raw);
        if (factory != null) {
            try {
                Object value = factory.invoke(null, node, path, errors, this);
                return value == null ? fallback : value;
            } catch (InvocationTargetException e) {
                throw new IllegalStateException(raw.getSimpleName() + ".fromYaml failed at '" + path + "'",
                        e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(raw + ".fromYaml is not accessible", e);
            }
        }
        if (raw.isRecord()) {
            return bindRecord(node, (Class<Record>) raw, (Record) fallback, path, errors);
        }
        if (raw == List.class) {
            Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
            if (!node.isArray()) {
                errors.add(path, "must be a list (was " + describe(node) + ")");
                return fallback;
            }
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                out.add(bindValue(node.get(i), element, null, path + "[" + i + "]", errors));
            }
            return out.stream().filter(java.util.Objects::nonNull).toList();
        }
        if (raw.isEnum()) {
            return bindEnum(node, (Class<? extends Enum>) raw, fallback, path, errors);
        }
        return bindScalar(node, raw, fallback, path, errors);
    }

    private Object bindScalar(JsonNode node, Class<?> raw, Object fallback, String path, ConfigErrors errors) {
        if (raw == String.class) {
            if (node.isValueNode()) {
                return node.asText();
            }
            errors.add(path, "must be a single value (was " + describe(node) + ")");
            return fallback;
        }
        if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
            boolean isLong = raw == long.class || raw == Long.class;
            if (node.isIntegralNumber() && (isLong ? node.canConvertToLong() : node.canConvertToInt())) {
                return isLong ? (Object) node.asLong() : (Object) node.asInt();
            }
            errors.add(path, "must be an integer (was " + describe(node) + ")");
            return fallback;
        }
        if (raw == double.class || raw == Double.class) {
            if (node.isNumber()) {
                return node.asDouble();
            }
            if (node.isTextual()) { // YAML 1.1 reads 1e-4 (no dot) as text; accept it as the user meant
                try {
                    return Double.parseDouble(node.asText().trim());
                } catch (NumberFormatException ignored) {
                    // fall through to the error
                }
            }
            errors.add(path, "must be a number (was " + describe(node) + ")");
            return fallback;
        }
        if (raw == boolean.class || raw == Boolean.class) {
            if (node.isBoolean()) {
                return node.asBoolean();
            }
            errors.add(path, "must be true or false (was " + describe(node) + ")");
            return fallback;
        }
        throw new IllegalStateException("unsupported config type " + raw + " at " + path);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Object bindEnum(JsonNode node, Class<? extends Enum> type, Object fallback, String path,
                            ConfigErrors errors) {
        List<String> allowed = Arrays.stream(type.getEnumConstants()).map(Object::toString).toList();
        if (node.isValueNode()) {
            String text = node.asText();
            for (Enum constant : type.getEnumConstants()) {
                if (constant.toString().equalsIgnoreCase(text)) {
                    return constant;
                }
            }
            errors.add(path, unknownValueMessage(text, allowed));
        } else {
            errors.add(path, "must be one of " + String.join(", ", allowed) + " (was " + describe(node) + ")");
        }
        return fallback;
    }

    /** "unknown 'resnet51' (did you mean 'resnet50'? one of resnet18, ...)". */
    public static String unknownValueMessage(String value, List<String> allowed) {
        String hint = Suggestions.closest(value, allowed).map(s -> "did you mean '" + s + "'? ").orElse("");
        return "unknown '" + value + "' (" + hint + "one of " + String.join(", ", allowed) + ")";
    }

    static String unknownKeyMessage(String key, java.util.Collection<String> allowed) {
        return Suggestions.closest(key, allowed)
                .map(s -> "unknown key (did you mean '" + s + "'?)")
                .orElse("unknown key (allowed: " + String.join(", ", allowed) + ")");
    }

    /** A short, user-facing rendering of a YAML value for error messages. */
    public static String describe(JsonNode node) {
        if (node.isTextual()) {
            return "'" + node.asText() + "'";
        }
        if (node.isNumber()) {
            return ConfigErrors.fmt(node.asDouble());
        }
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        return node.toString();
    }

    public static String yamlKey(String component) {
        return component.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    public static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static String keysOf(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents())
                .map(c -> yamlKey(c.getName()))
                .collect(Collectors.joining(", ", "[", "]"));
    }

    /** The record's {@code defaults()} instance. */
    public static <R extends Record> R defaultsOf(Class<R> type) {
        try {
            return type.cast(type.getMethod("defaults").invoke(null));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type + " must declare public static defaults()", e);
        }
    }

    private static Object read(RecordComponent c, Object instance) {
        try {
            return instance == null ? null : c.getAccessor().invoke(instance);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <R> R construct(Class<R> type, RecordComponent[] components, Object[] values, String path,
                                   ConfigErrors errors) {
        Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class[]::new);
        try {
            Constructor<R> ctor = type.getDeclaredConstructor(types);
            return ctor.newInstance(values);
        } catch (InvocationTargetException e) {
            // Compact constructors reject impossible values with IllegalArgumentException and a message; anything
            // else (an NPE, an IAE without a message) is a bug and must not reach the user as a config error.
            if (e.getCause() instanceof IllegalArgumentException bad && bad.getMessage() != null) {
                errors.add(path, bad.getMessage());
                return null;
            }
            throw new IllegalStateException("cannot build " + type.getSimpleName() + " at '" + path + "'",
                    e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Method yamlFactory(Class<?> raw) {
        try {
            Method m = raw.getMethod("fromYaml", JsonNode.class, String.class, ConfigErrors.class,
                    RecordBinder.class);
            return Modifier.isStatic(m.getModifiers()) ? m : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        throw new IllegalStateException("unsupported config type " + type);
    }
}
