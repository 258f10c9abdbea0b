package dev.graft.config;

/**
 * A record bound from YAML. Each implementing record also declares {@code public static T defaults()},
 * which {@link RecordBinder} uses for keys the file leaves out.
 */
public interface ConfigSection {
    /** Checks value ranges and combinations; adds every problem under {@code path}. */
    default void validate(String path, ConfigErrors errors) {
    }
}
