package dev.graft.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Binding reports bad values as config errors, and lets bugs through with their cause. */
class RecordBinderTest {
    /** A section whose constructor has a bug (an NPE on a missing value) and a rule (IAE with a message). */
    record Fragile(String name, int size) {
        Fragile {
            if (size < 0) {
                throw new IllegalArgumentException("size must be >= 0 (was " + size + ")");
            }
            name.length(); // the bug: null is not handled
        }

        public static Fragile defaults() {
            return new Fragile("x", 1);
        }
    }

    private static Fragile bind(String yaml, ConfigErrors errors) {
        ObjectNode tree = YamlFiles.parseMapping(yaml, "test");
        return new RecordBinder().bindRecord(tree, Fragile.class, null, "fragile", errors);
    }

    @Test
    void aBugInAConstructorKeepsItsCauseAndIsNotAConfigError() {
        ConfigErrors errors = new ConfigErrors();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> bind("name: null\n", errors));
        assertInstanceOf(NullPointerException.class, e.getCause());
        assertTrue(e.getMessage().contains("fragile"), e.getMessage());
        assertTrue(errors.isEmpty(), "a bug is not the user's mistake: " + errors.list());
    }

    @Test
    void aRuleInAConstructorIsAConfigErrorWithItsMessage() {
        ConfigErrors errors = new ConfigErrors();
        bind("size: -3\n", errors);
        assertEquals(List.of(new ConfigError("fragile", "size must be >= 0 (was -3)")), errors.list());
    }
}
