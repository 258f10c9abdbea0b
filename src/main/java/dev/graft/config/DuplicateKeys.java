package dev.graft.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Finds keys written twice in one YAML mapping. Jackson (like most YAML readers) silently keeps the last one, so
 * a second {@code train:} section would quietly replace the first; its own strict mode names only one place,
 * while the user needs both lines to decide which one to keep.
 */
final class DuplicateKeys {
    /** One open mapping or list: its path, the line of each key seen (mappings), the items seen (lists). */
    private static final class Level {
        final String path;
        final boolean isList;
        final Map<String, Integer> lines = new HashMap<>();
        int items;

        Level(String path, boolean isList) {
            this.path = path;
            this.isList = isList;
        }
    }

    private DuplicateKeys() {
    }

    /**
     * Reads the token stream of {@code parser} to its end, adding one error per repeated key; {@code base} is the
     * path of the parsed value (empty for a whole file).
     */
    static void check(JsonParser parser, String base, ConfigErrors errors) throws IOException {
        Deque<Level> open = new ArrayDeque<>();
        String key = null;
        for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
            if (token == JsonToken.FIELD_NAME) {
                key = parser.currentName();
                Level level = open.peek();
                int line = parser.currentTokenLocation().getLineNr();
                Integer first = level.lines.putIfAbsent(key, line);
                if (first != null) {
                    errors.add(RecordBinder.join(level.path, key), "written twice, at line " + first + " and at line "
                            + line + " (the second would silently replace the first); keep one");
                }
            } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                open.pop();
            } else {
                String path = valuePath(open.peek(), key, base);
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                    open.push(new Level(path, token == JsonToken.START_ARRAY));
                }
            }
        }
    }

    /** Where the value starting now sits: under its key in a mapping, at the next index in a list. */
    private static String valuePath(Level parent, String key, String base) {
        if (parent == null) {
            return base;
        }
        return parent.isList ? parent.path + "[" + parent.items++ + "]" : RecordBinder.join(parent.path, key);
    }
}
