package dev.graft.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's config reference must be exactly what the config records say (keys, types, defaults). */
class ReadmeConfigReferenceTest {
    private static final String BEGIN = "<!-- config-reference:begin -->";
    private static final String END = "<!-- config-reference:end -->";

    @Test
    void readmeTableMatchesTheRecords() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        assertTrue(begin >= 0 && end > begin, "README.md must contain the config reference markers");
        String table = readme.substring(begin + BEGIN.length(), end).trim();
        assertEquals(ConfigReference.markdown().trim(), table,
                "README config reference is stale; replace the table between the markers with the expected text");
    }

    @Test
    void numbersAndIntegersAreNotListedAsStrings() {
        Map<String, String> types = ConfigReference.rows().stream()
                .collect(Collectors.toMap(ConfigReference.Row::key, ConfigReference.Row::type));
        assertEquals("number", types.get("data.crop_ratio"));
        assertEquals("integer", types.get("data.image_size"));
        assertEquals("list of numbers", types.get("data.augment[].random_resized_crop.scale"));
        assertEquals("list of numbers", types.get("data.augment[].gaussian_blur.sigma"));
        assertEquals("list of integers", types.get("head.hidden"));
        assertEquals("list of strings", types.get("data.classes"));
        assertEquals("string", types.get("backbone.arch"));
    }

    @Test
    void everyKeyIsDocumented() {
        for (ConfigReference.Row row : ConfigReference.rows()) {
            assertTrue(!row.meaning().isBlank(), row.key() + " has no @Doc");
        }
    }
}
