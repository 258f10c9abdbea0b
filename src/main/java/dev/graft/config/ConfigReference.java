package dev.graft.config;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The config reference table (every key, type, default, meaning), generated from the records and their
 * {@link Doc} annotations. The README embeds it; a test keeps the two identical.
 */
public final class ConfigReference {
    private ConfigReference() {
    }

    private static final Map<Class<?>, String> SCALAR_NAMES = Map.ofEntries(
            Map.entry(String.class, "string"),
            Map.entry(int.class, "integer"), Map.entry(Integer.class, "integer"),
            Map.entry(long.class, "integer"), Map.entry(Long.class, "integer"),
            Map.entry(double.class, "number"), Map.entry(Double.class, "number"),
            Map.entry(boolean.class, "boolean"), Map.entry(Boolean.class, "boolean"),
            Map.entry(StageSelection.class, "all \\| none \\| list of stages"),
            Map.entry(ClassWeights.class, "auto \\| none \\| list of numbers"),
            Map.entry(TrainLoss.class, "cross_entropy \\| {focal: {gamma: number}}"),
            Map.entry(PosWeight.class, "none \\| auto \\| list of numbers \\| {label: number}"),
            Map.entry(OperatingPointChoice.class, "youden \\| {sensitivity\\|specificity\\|threshold: number}"),
            Map.entry(Augmentation.class, "op"));

    /** One row of the table. */
    public record Row(String key, String type, String defaultValue, String meaning) {
    }

    public static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        walk(ExperimentConfig.class, ExperimentConfig.defaults(), "", rows);
        for (Map.Entry<String, Class<? extends Augmentation>> op : Augmentation.OPS.entrySet()) {
            walk(op.getValue(), RecordBinder.defaultsOf(op.getValue().asSubclass(Record.class)),
                    "data.augment[]." + op.getKey(), rows);
        }
        rows.addAll(DataVecTransform.referenceRows());
        return rows;
    }

    /** The table as Markdown. */
    public static String markdown() {
        StringBuilder out = new StringBuilder("| key | type | default | meaning |\n|---|---|---|---|\n");
        for (Row r : rows()) {
            out.append("| `").append(r.key()).append("` | ").append(r.type()).append(" | ")
                    .append(r.defaultValue()).append(" | ").append(r.meaning()).append(" |\n");
        }
        return out.toString();
    }

    private static void walk(Class<?> type, Object defaults, String prefix, List<Row> rows) {
        for (RecordComponent c : type.getRecordComponents()) {
            String key = RecordBinder.join(prefix, RecordBinder.yamlKey(c.getName()));
            Object value = read(c, defaults);
            Doc doc = c.getAnnotation(Doc.class);
            String meaning = doc == null ? "" : doc.value();
            Class<?> raw = c.getType();
            if (raw.isRecord() && ConfigSection.class.isAssignableFrom(raw) && !raw.isInterface()
                    && !raw.equals(StageSelection.class) && !raw.equals(ClassWeights.class)) {
                rows.add(new Row(key, "section", value == null ? "unset" : "", meaning));
                walk(raw, value != null ? value : RecordBinder.defaultsOf(raw.asSubclass(Record.class)), key, rows);
            } else if (raw == List.class && elementType(c) instanceof Class<?> e && e.isRecord()
                    && !e.isInterface()) {
                rows.add(new Row(key, "list of mappings", render(value), meaning));
                walk(e, RecordBinder.defaultsOf(e.asSubclass(Record.class)), key + "[]", rows);
            } else {
                rows.add(new Row(key, typeName(c.getGenericType()), render(value), meaning));
            }
        }
    }

    private static Type elementType(RecordComponent c) {
        return ((ParameterizedType) c.getGenericType()).getActualTypeArguments()[0];
    }

    /** The YAML type of a component; a Java type without a name here is a bug, not a "string". */
    private static String typeName(Type type) {
        if (type instanceof ParameterizedType p) {
            return "list of " + plural(typeName(p.getActualTypeArguments()[0]));
        }
        Class<?> c = (Class<?>) type;
        if (c.isEnum()) {
            return Arrays.stream(c.getEnumConstants()).map(Object::toString).collect(Collectors.joining(" \\| "));
        }
        String name = SCALAR_NAMES.get(c);
        if (name == null) {
            throw new IllegalStateException("no config reference type name for " + c.getName());
        }
        return name;
    }

    private static String plural(String name) {
        return List.of("integer", "number", "string", "boolean").contains(name) ? name + "s" : name;
    }

    private static String render(Object value) {
        if (value == null) {
            return "unset";
        }
        String yaml = YamlFiles.toYaml(value).trim();
        if (yaml.startsWith("---")) {
            yaml = yaml.substring(3).trim();
        }
        if (value instanceof List<?> list && list.isEmpty()) {
            yaml = "[]";
        } else if (value instanceof List<?> list) {
            yaml = list.toString();
        }
        return "`" + yaml.replace("|", "\\|") + "`";
    }

    private static Object read(RecordComponent c, Object instance) {
        try {
            return c.getAccessor().invoke(instance);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
