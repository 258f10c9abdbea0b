package dev.graft.config;

import com.fasterxml.jackson.databind.JsonNode;
import org.datavec.image.transform.ImageTransform;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * A DataVec image transform in {@code data.augment}: {@code {datavec: <class name>, args: [...]}} names any class
 * on the class path implementing {@link ImageTransform} (DataVec's own or a user's), built with the public
 * constructor whose parameters take {@code args} (numbers, strings, booleans, enum constant names).
 *
 * <p>Validation loads the class and builds one instance, so a missing class, a class that is no transform, no
 * matching constructor or a constructor that rejects its arguments are config errors before training.
 */
public record DataVecTransform(String className, List<Object> args) implements Augmentation {
    /** The YAML key naming the class. */
    public static final String KEY = "datavec";
    private static final String ARGS = "args";
    private static final String CLASS_DOC = "Instead of an op: a class implementing DataVec's ImageTransform (e.g."
            + " org.datavec.image.transform.FlipImageTransform, or yours), run with each sample's seeded Random";
    private static final String ARGS_DOC = "Its constructor's arguments (numbers, strings, booleans, enum names)";
    private static final String DATAVEC_PACKAGE = "org.datavec.image.transform";

    public DataVecTransform {
        args = List.copyOf(args);
    }

    /** The config reference rows of a DataVec step (it is written differently from the ops, so listed here). */
    static List<ConfigReference.Row> referenceRows() {
        return List.of(new ConfigReference.Row("data.augment[]." + KEY, "string", "unset", CLASS_DOC),
                new ConfigReference.Row("data.augment[]." + ARGS, "list", "`[]`", ARGS_DOC));
    }

    /** Binds {@code {datavec: name, args: [...]}} and validates it under {@code path}; null when it cannot bind. */
    static DataVecTransform fromYaml(JsonNode node, String path, ConfigErrors errors) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.equals(KEY) && !key.equals(ARGS)) {
                errors.add(path + "." + key, RecordBinder.unknownKeyMessage(key, List.of(KEY, ARGS)));
            }
        }
        JsonNode name = node.get(KEY);
        if (!name.isTextual() || name.asText().isBlank()) {
            errors.add(path + "." + KEY, "must be a class name (was " + RecordBinder.describe(name) + ")");
            return null;
        }
        JsonNode argsNode = node.get(ARGS);
        List<Object> values = new ArrayList<>();
        if (argsNode != null && !argsNode.isNull()) {
            if (!argsNode.isArray()) {
                errors.add(path + "." + ARGS, "must be a list of constructor arguments (was "
                        + RecordBinder.describe(argsNode) + ")");
                return null;
            }
            for (int i = 0; i < argsNode.size(); i++) {
                JsonNode a = argsNode.get(i);
                if (!a.isValueNode() || a.isNull()) {
                    errors.add(path + "." + ARGS + "[" + i + "]", "must be a number, string or boolean (was "
                            + RecordBinder.describe(a) + ")");
                    return null;
                }
                values.add(a.isIntegralNumber() ? (Object) a.asLong() : a.isNumber() ? (Object) a.asDouble()
                        : a.isBoolean() ? (Object) a.asBoolean() : a.asText());
            }
        }
        DataVecTransform transform = new DataVecTransform(name.asText().trim(), values);
        transform.validate(path, errors);
        return transform;
    }

    @Override
    public void validate(String path, ConfigErrors errors) {
        Class<?> type;
        try {
            type = load(false);
        } catch (ClassNotFoundException | LinkageError e) {
            errors.add(path + "." + KEY, "no class '" + className + "' on the class path"
                    + suggestion().map(s -> " (did you mean '" + s + "'?)").orElse(""));
            return;
        }
        if (!ImageTransform.class.isAssignableFrom(type) || type.isInterface()
                || Modifier.isAbstract(type.getModifiers())) {
            errors.add(path + "." + KEY, "'" + className + "' is not a concrete class implementing "
                    + ImageTransform.class.getName());
            return;
        }
        if (constructor(type).isEmpty()) {
            errors.add(path + "." + ARGS, "no public constructor of " + type.getSimpleName() + " takes " + args
                    + " (constructors: " + constructorList(type) + ")");
            return;
        }
        try {
            newInstance();
        } catch (IllegalArgumentException e) {
            errors.add(path + "." + ARGS, e.getMessage());
        }
    }

    /**
     * A new instance built with {@link #args}. DataVec transforms keep per-call state, so each thread needs its
     * own. Throws IllegalArgumentException when the class cannot be built from these arguments.
     */
    public ImageTransform newInstance() {
        try {
            Class<?> type = load(true);
            Constructor<?> c = constructor(type).orElseThrow(() -> new IllegalArgumentException(
                    "no public constructor of " + className + " takes " + args));
            Object[] values = new Object[args.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = convert(args.get(i), c.getParameterTypes()[i]);
            }
            return (ImageTransform) c.newInstance(values);
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException(className + " rejected " + args + ": " + e.getCause(), e);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalArgumentException("cannot build " + className + " from " + args + ": " + e, e);
        }
    }

    @Override
    public String op() {
        return KEY + " " + className.substring(className.lastIndexOf('.') + 1);
    }

    /** Written back as {@code {datavec: name, args: [...]}}. */
    @Override
    public Map<String, Object> yaml() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(KEY, className);
        out.put(ARGS, args);
        return out;
    }

    /**
     * The class, also when a nested class is written as in Java source ({@code com.acme.Outer.Inner}): a
     * {@code $} in YAML would expand as an environment variable.
     */
    private Class<?> load(boolean initialize) throws ClassNotFoundException {
        ClassLoader loader = DataVecTransform.class.getClassLoader();
        String name = className;
        while (true) {
            try {
                return Class.forName(name, initialize, loader);
            } catch (ClassNotFoundException e) {
                int dot = name.lastIndexOf('.');
                if (dot < 0) {
                    throw new ClassNotFoundException(className, e);
                }
                name = name.substring(0, dot) + "$" + name.substring(dot + 1);
            }
        }
    }

    /** The first public constructor (in a stable order) whose parameters all take the arguments. */
    private Optional<Constructor<?>> constructor(Class<?> type) {
        return Arrays.stream(type.getConstructors())
                .filter(c -> c.getParameterCount() == args.size())
                .sorted(Comparator.comparing(Constructor::toGenericString))
                .filter(this::accepts)
                .findFirst();
    }

    private boolean accepts(Constructor<?> c) {
        for (int i = 0; i < args.size(); i++) {
            if (convert(args.get(i), c.getParameterTypes()[i]) == null) {
                return false;
            }
        }
        return true;
    }

    /** {@code value} as a {@code type} argument, or null when it does not fit. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object convert(Object value, Class<?> type) {
        if (value instanceof Long l) {
            if ((type == int.class || type == Integer.class) && l == l.intValue()) {
                return l.intValue();
            }
            if (type == long.class || type == Long.class) {
                return l;
            }
        }
        if (value instanceof Number n) {
            if (type == double.class || type == Double.class) {
                return n.doubleValue();
            }
            if (type == float.class || type == Float.class) {
                return n.floatValue();
            }
        }
        if (value instanceof Boolean b && (type == boolean.class || type == Boolean.class)) {
            return b;
        }
        if (value instanceof String s) {
            if (type == String.class) {
                return s;
            }
            if (type.isEnum()) {
                for (Object constant : type.getEnumConstants()) {
                    if (((Enum) constant).name().equalsIgnoreCase(s)) {
                        return constant;
                    }
                }
            }
        }
        return null;
    }

    private static String constructorList(Class<?> type) {
        return String.join("; ", Arrays.stream(type.getConstructors())
                .map(c -> "(" + String.join(", ", Arrays.stream(c.getParameterTypes()).map(Class::getSimpleName)
                        .toList()) + ")")
                .sorted().toList());
    }

    /** DataVec's transform with the closest simple name, for an unknown or unqualified class name. */
    private Optional<String> suggestion() {
        Map<String, String> bySimpleName = new LinkedHashMap<>();
        for (String name : dataVecTransformNames()) {
            bySimpleName.put(name.substring(name.lastIndexOf('.') + 1), name);
        }
        String simple = className.substring(className.lastIndexOf('.') + 1);
        return Suggestions.closest(simple, bySimpleName.keySet()).map(bySimpleName::get);
    }

    /** The class names in DataVec's transform package, read from the jar (or folder) that holds it. */
    static List<String> dataVecTransformNames() {
        try {
            Path source = Path.of(ImageTransform.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            String folder = DATAVEC_PACKAGE.replace('.', '/') + "/";
            List<String> entries;
            if (Files.isDirectory(source)) {
                try (Stream<Path> files = Files.list(source.resolve(folder))) {
                    entries = files.map(p -> folder + p.getFileName()).toList();
                }
            } else {
                try (JarFile jar = new JarFile(source.toFile())) {
                    entries = jar.stream().map(e -> e.getName()).toList();
                }
            }
            return entries.stream()
                    .filter(e -> e.startsWith(folder) && e.endsWith(".class") && !e.contains("$")
                            && e.indexOf('/', folder.length()) < 0)
                    .map(e -> e.substring(0, e.length() - ".class".length()).replace('/', '.'))
                    .sorted().toList();
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return List.of(); // only a hint is lost
        }
    }
}
