package dev.graft.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's augmentation op table must be exactly what the op records say (names, shorthand, meaning). */
class ReadmeAugmentationTableTest {
    private static final String BEGIN = "<!-- augment-ops:begin -->";
    private static final String END = "<!-- augment-ops:end -->";

    @Test
    void readmeOpTableMatchesTheOps() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        assertTrue(begin >= 0 && end > begin, "README.md must contain the augmentation table markers");
        assertEquals(Augmentation.opTableMarkdown().trim(), readme.substring(begin + BEGIN.length(), end).trim(),
                "README augmentation table is stale; replace the table between the markers with the expected text");
    }
}
