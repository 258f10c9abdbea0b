package dev.graft.config;

import java.util.List;
import java.util.stream.Collectors;

/** A config that cannot be used; carries every problem found, each with its YAML path. */
public final class ConfigException extends RuntimeException {
    private final String source;
    private final List<ConfigError> errors;

    public ConfigException(String source, List<ConfigError> errors) {
        super(describe(source, errors));
        this.source = source;
        this.errors = List.copyOf(errors);
    }

    public ConfigException(String source, String message) {
        this(source, List.of(new ConfigError("", message)));
    }

    public String source() {
        return source;
    }

    public List<ConfigError> errors() {
        return errors;
    }

    private static String describe(String source, List<ConfigError> errors) {
        String head = errors.size() == 1 ? "1 problem" : errors.size() + " problems";
        return head + " in " + source + ":\n" + errors.stream()
                .map(e -> "  " + e)
                .collect(Collectors.joining("\n"));
    }
}
