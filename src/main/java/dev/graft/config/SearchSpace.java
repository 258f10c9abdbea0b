package dev.graft.config;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code space:} of a sweep file: experiment config keys and the values each may take. Keys are written
 * dotted ({@code train.optimizer.lr: {log_uniform: [1.0e-5, 1.0e-2]}}) or nested like the experiment file
 * ({@code train: {optimizer: {lr: {...}}}}); a mapping whose only key is a domain kind is the domain.
 */
public record SearchSpace(List<SearchDomain> dimensions) {
    private static final String DOMAIN_HELP = "must be a search domain: {log_uniform: [low, high]}, "
            + "{uniform: [low, high]}, {int_uniform: [low, high]} or {choice: [value, ...]}";

    public SearchSpace {
        dimensions = List.copyOf(dimensions);
    }

    public static SearchSpace empty() {
        return new SearchSpace(List.of());
    }

    /** The searched keys, in file order. */
    public List<String> paths() {
        return dimensions.stream().map(SearchDomain::path).toList();
    }

    /** The number of combinations a grid search visits ({@link Long#MAX_VALUE} when it does not fit a long). */
    public long gridSize(int gridPoints) {
        long size = 1;
        for (SearchDomain d : dimensions) {
            long n = Math.max(1, d.gridValues(gridPoints));
            if (size > Long.MAX_VALUE / n) {
                return Long.MAX_VALUE;
            }
            size *= n;
        }
        return size;
    }

    /** Binds the {@code space:} mapping, reporting every malformed entry. */
    public static SearchSpace fromYaml(JsonNode node, String path, ConfigErrors errors, RecordBinder binder) {
        if (!node.isObject() || node.isEmpty()) {
            errors.add(path, "must be a mapping of config keys to search domains, e.g. "
                    + "train.optimizer.lr: {log_uniform: [1.0e-5, 1.0e-2]}");
            return null;
        }
        List<SearchDomain> out = new ArrayList<>();
        collect(node, "", path, out, errors);
        return new SearchSpace(out);
    }

    private static void collect(JsonNode node, String prefix, String path, List<SearchDomain> out,
                                ConfigErrors errors) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = RecordBinder.join(prefix, e.getKey());
            String where = RecordBinder.join(path, key);
            JsonNode value = e.getValue();
            if (value.isObject() && value.size() == 1
                    && SearchDomain.Kind.byKey(value.fieldNames().next()).isPresent()) {
                SearchDomain domain = domain(key, value, where, errors);
                if (domain != null && out.stream().anyMatch(d -> d.path().equals(key))) {
                    errors.add(where, "is searched twice");
                } else if (domain != null) {
                    out.add(domain);
                }
            } else if (value.isObject() && !value.isEmpty()) {
                collect(value, key, path, out, errors);
            } else {
                String hint = Suggestions.closest(e.getKey(), SearchDomain.Kind.keys())
                        .map(s -> " (did you mean '" + s + "'?)").orElse("");
                errors.add(where, DOMAIN_HELP + hint + " (was " + RecordBinder.describe(value) + ")");
            }
        }
    }

    private static SearchDomain domain(String key, JsonNode mapping, String where, ConfigErrors errors) {
        String kindKey = mapping.fieldNames().next();
        SearchDomain.Kind kind = SearchDomain.Kind.byKey(kindKey).orElseThrow();
        JsonNode args = mapping.get(kindKey);
        String at = where + "." + kindKey;
        if (kind == SearchDomain.Kind.CHOICE) {
            if (!args.isArray() || args.isEmpty()) {
                errors.add(at, "must be a non-empty list of values (was " + RecordBinder.describe(args) + ")");
                return null;
            }
            List<JsonNode> choices = new ArrayList<>();
            args.forEach(choices::add);
            return new SearchDomain(key, kind, 0, 0, choices);
        }
        if (!args.isArray() || args.size() != 2) {
            errors.add(at, "must be [low, high] (was " + RecordBinder.describe(args) + ")");
            return null;
        }
        Double low = number(args.get(0), at + "[0]", errors);
        Double high = number(args.get(1), at + "[1]", errors);
        if (low == null || high == null) {
            return null;
        }
        boolean ok = errors.check(low < high, at, "low must be below high (was [" + ConfigErrors.fmt(low) + ", "
                + ConfigErrors.fmt(high) + "]); use {choice: [value]} for a fixed value");
        if (kind == SearchDomain.Kind.LOG_UNIFORM) {
            ok &= errors.check(low > 0, at + "[0]", "must be > 0 for a log scale (was " + ConfigErrors.fmt(low) + ")");
        }
        if (kind == SearchDomain.Kind.INT_UNIFORM) {
            ok &= errors.check(low == Math.rint(low), at + "[0]", "must be an integer (was "
                    + ConfigErrors.fmt(low) + ")");
            ok &= errors.check(high == Math.rint(high), at + "[1]", "must be an integer (was "
                    + ConfigErrors.fmt(high) + ")");
        }
        return ok ? new SearchDomain(key, kind, low, high, List.of()) : null;
    }

    private static Double number(JsonNode node, String at, ConfigErrors errors) {
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isTextual()) { // YAML 1.1 reads 1e-4 (no dot) as text
            try {
                return Double.parseDouble(node.asText().trim());
            } catch (NumberFormatException ignored) {
                // reported below
            }
        }
        errors.add(at, "must be a number (was " + RecordBinder.describe(node) + ")");
        return null;
    }

    /** Path-valued choices ({@code data.root}, {@code backbone.weights}, ...) made absolute against {@code folder}. */
    SearchSpace resolvePaths(Path folder) {
        List<SearchDomain> out = new ArrayList<>();
        for (SearchDomain d : dimensions) {
            if (d.kind() != SearchDomain.Kind.CHOICE || !TreeEdits.PATH_KEYS.contains(d.path())) {
                out.add(d);
                continue;
            }
            List<JsonNode> resolved = new ArrayList<>();
            for (JsonNode choice : d.choices()) {
                boolean keyword = d.path().equals("backbone.weights")
                        && TreeEdits.weightsNotAPath(choice.asText(), folder);
                resolved.add(choice.isTextual() && !keyword
                        ? TextNode.valueOf(TreeEdits.resolve(choice.asText(), folder).toString()) : choice);
            }
            out.add(d.withChoices(resolved));
        }
        return new SearchSpace(out);
    }

    /** The YAML form: one {@code key: {kind: ...}} entry per searched key. */
    @JsonValue
    public Map<String, Object> yaml() {
        Map<String, Object> out = new LinkedHashMap<>();
        dimensions.forEach(d -> out.put(d.path(), d.yaml()));
        return out;
    }
}
