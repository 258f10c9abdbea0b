package dev.graft.config;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;

/** Checks that a dotted key names something in the experiment schema ({@link ExperimentConfig} and its sections). */
final class ConfigKeys {
    private ConfigKeys() {
    }

    /** Adds an error at {@code errorPath} when {@code key} is not an experiment config key; returns whether it is. */
    static boolean check(String key, String errorPath, ConfigErrors errors) {
        Class<?> section = ExperimentConfig.class;
        String[] parts = key.split("\\.", -1);
        for (int i = 0; i < parts.length; i++) {
            String prefix = String.join(".", Arrays.copyOfRange(parts, 0, i));
            if (section == null) {
                errors.add(errorPath, "'" + prefix + "' is a single value, not a section; '" + key
                        + "' is not a config key");
                return false;
            }
            List<String> keys = Arrays.stream(section.getRecordComponents())
                    .map(c -> RecordBinder.yamlKey(c.getName())).toList();
            int index = keys.indexOf(parts[i]);
            if (index < 0) {
                String where = prefix.isEmpty() ? "" : " in " + prefix;
                String hint = Suggestions.closest(parts[i], keys).map(s -> "did you mean '"
                        + RecordBinder.join(prefix, s) + "'? ").orElse("");
                errors.add(errorPath, "unknown config key '" + parts[i] + "'" + where + " (" + hint + "keys: "
                        + String.join(", ", keys) + ")");
                return false;
            }
            RecordComponent component = section.getRecordComponents()[index];
            Class<?> type = component.getType();
            section = type.isRecord() && ConfigSection.class.isAssignableFrom(type) ? type : null;
        }
        return true;
    }
}
