package dev.graft.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Edits on a raw YAML tree before binding: {@code --set} overrides, environment variables, relative paths. */
public final class TreeEdits {
    /** Keys whose values are file-system paths (resolved against the config file's folder). */
    public static final List<String> PATH_KEYS = List.of("backbone.weights", "data.train", "data.val", "data.test",
            "data.root", "data.csv.file", "data.csv.images");

    private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    private TreeEdits() {
    }

    /**
     * Applies {@code a.b.c=value}. The value is read as YAML, so {@code 0.1}, {@code true} and
     * {@code [stem,stage1]} get their natural types. Missing intermediate sections are created;
     * unknown keys are then reported by the binder like any other.
     */
    public static void applyOverride(ObjectNode root, String assignment, ConfigErrors errors) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            errors.add("--set " + assignment, "must look like key.path=value, e.g. train.epochs=5");
            return;
        }
        String path = assignment.substring(0, eq).trim();
        String text = assignment.substring(eq + 1);
        JsonNode value;
        try {
            value = text.isEmpty() ? TextNode.valueOf("") : YamlFiles.mapper().readTree(text);
            if (value == null || value.isMissingNode()) {
                value = TextNode.valueOf(text);
            } else {
                YamlFiles.checkDuplicateKeys(text, "--set " + path, errors);
            }
        } catch (JsonProcessingException e) {
            value = TextNode.valueOf(text); // not YAML (e.g. "a: b: c"): take the text as it was written
        }
        String[] keys = path.split("\\.");
        ObjectNode node = root;
        for (int i = 0; i < keys.length - 1; i++) {
            JsonNode child = node.get(keys[i]);
            if (child == null || !child.isObject()) {
                child = node.putObject(keys[i]);
            }
            node = (ObjectNode) child;
        }
        node.set(keys[keys.length - 1], value);
    }

    /** Replaces {@code $VAR} / {@code ${VAR}} in every string value; an unset variable is an error. */
    public static void expandEnvironment(JsonNode node, String path, Map<String, String> env, ConfigErrors errors) {
        rewriteStrings(node, path, (p, text) -> {
            Matcher m = ENV.matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String var = m.group(1) != null ? m.group(1) : m.group(2);
                String val = env.get(var);
                if (val == null) {
                    errors.add(p, "environment variable " + var + " is not set");
                    val = m.group();
                }
                m.appendReplacement(out, Matcher.quoteReplacement(val));
            }
            m.appendTail(out);
            return out.toString();
        });
    }

    /** Makes the path-valued keys absolute against {@code base}, expanding a leading {@code ~}. */
    public static void resolvePaths(ObjectNode root, Path base, List<String> keys) {
        for (String key : keys) {
            String[] parts = key.split("\\.");
            JsonNode parent = root;
            for (int i = 0; i < parts.length - 1 && parent != null; i++) {
                parent = parent.get(parts[i]);
            }
            if (parent instanceof ObjectNode obj && obj.get(parts[parts.length - 1]) instanceof TextNode text) {
                String value = text.asText();
                if (!(key.equals("backbone.weights") && weightsNotAPath(value, base))) {
                    obj.put(parts[parts.length - 1], resolve(value, base).toString());
                }
            }
        }
    }

    /** A weights keyword or Hub id: left as written (a local folder named like a Hub id wins, see {@link HubId}). */
    static boolean weightsNotAPath(String weights, Path base) {
        if (BackboneConfig.WEIGHT_KEYWORDS.contains(weights) || weights.startsWith(HubId.SCHEME)) {
            return true;
        }
        try {
            return HubId.parse(weights).isPresent() && !java.nio.file.Files.exists(resolve(weights, base));
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    static Path resolve(String value, Path base) {
        String home = System.getProperty("user.home");
        if (value.equals("~")) {
            return Path.of(home);
        }
        if (value.startsWith("~/")) {
            return Path.of(home, value.substring(2)).normalize();
        }
        return base.toAbsolutePath().resolve(value).normalize();
    }

    private interface Rewriter {
        String apply(String path, String text);
    }

    private static void rewriteStrings(JsonNode node, String path, Rewriter rewriter) {
        if (node instanceof ObjectNode obj) {
            for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String childPath = RecordBinder.join(path, e.getKey());
                if (e.getValue().isTextual()) {
                    e.setValue(TextNode.valueOf(rewriter.apply(childPath, e.getValue().asText())));
                } else {
                    rewriteStrings(e.getValue(), childPath, rewriter);
                }
            }
        } else if (node != null && node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                JsonNode item = node.get(i);
                String childPath = path + "[" + i + "]";
                if (item.isTextual()) {
                    ((com.fasterxml.jackson.databind.node.ArrayNode) node)
                            .set(i, TextNode.valueOf(rewriter.apply(childPath, item.asText())));
                } else {
                    rewriteStrings(item, childPath, rewriter);
                }
            }
        }
    }

}
