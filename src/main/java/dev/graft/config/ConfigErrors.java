package dev.graft.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Collects every problem found while binding and validating, so the user sees them all at once. */
public final class ConfigErrors {
    private final List<ConfigError> errors = new ArrayList<>();

    public void add(String path, String message) {
        errors.add(new ConfigError(path, message));
    }

    /** Adds an error when {@code ok} is false; returns {@code ok} for chaining. */
    public boolean check(boolean ok, String path, String message) {
        if (!ok) {
            add(path, message);
        }
        return ok;
    }

    public void positive(String path, double value) {
        check(value > 0, path, "must be > 0 (was " + fmt(value) + ")");
    }

    public void nonNegative(String path, double value) {
        check(value >= 0, path, "must be >= 0 (was " + fmt(value) + ")");
    }

    public void inRange(String path, double value, double minInclusive, double maxExclusive) {
        check(value >= minInclusive && value < maxExclusive, path,
                "must be in [" + fmt(minInclusive) + ", " + fmt(maxExclusive) + ") (was " + fmt(value) + ")");
    }

    public void probability(String path, double value) {
        check(value >= 0 && value <= 1, path, "must be in [0, 1] (was " + fmt(value) + ")");
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    public List<ConfigError> list() {
        return List.copyOf(errors);
    }

    public void throwIfAny(String source) {
        if (!errors.isEmpty()) {
            throw new ConfigException(source, list());
        }
    }

    /** Formats numbers the way a user wrote them: 3 rather than 3.0, 1.0E-4 kept short. */
    public static String fmt(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return String.valueOf((long) value);
        }
        return String.valueOf(value).toLowerCase(Locale.ROOT);
    }
}
