package dev.graft.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The README's augmentation op table must be exactly what the op records say (names, shorthand, meaning). */
class ReadmeAugmentationTableTest {
    @Test
    void readmeOpTableMatchesTheOps() throws IOException {
        String[] parts = Files.readString(Path.of("README.md")).split("<!-- augment-ops:(begin|end) -->");
        assertEquals(3, parts.length, "README.md must hold the augmentation table markers once each");
        assertEquals(Augmentation.opTableMarkdown().trim(), parts[1].trim(),
                "README augmentation table is stale; replace the table between the markers with the expected text");
    }
}
