package dev.graft.config;

/** One problem in a config file: where it is (a dotted YAML path) and what is wrong. */
public record ConfigError(String path, String message) {
    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
