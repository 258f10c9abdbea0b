package dev.graft.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading YAML into a tree and writing config records back as YAML, with user-facing errors. */
public final class YamlFiles {
    private static final String NOT_TEXT = "is not a text file (a config is YAML text, UTF-8); check the path";
    private static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS))
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING);

    private YamlFiles() {
    }

    /** The YAML mapper (snake_case keys, enums in lower case) shared by config reading and writing. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Reads a YAML mapping; a missing file, a binary file or a syntax error becomes a {@link ConfigException}. */
    public static ObjectNode readMapping(Path file) {
        String source = file.toString();
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(source, "no such file: " + file.toAbsolutePath());
        } catch (CharacterCodingException e) {
            throw new ConfigException(source, NOT_TEXT);
        } catch (IOException e) {
            throw new ConfigException(source, "cannot read " + file + ": " + e.getMessage());
        }
        if (text.indexOf('\0') >= 0) {
            throw new ConfigException(source, NOT_TEXT);
        }
        return parseMapping(text, source);
    }

    /** Parses a YAML mapping; syntax errors and keys written twice become a {@link ConfigException}. */
    public static ObjectNode parseMapping(String yaml, String source) {
        JsonNode tree = parse(yaml, source);
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw new ConfigException(source, "the file is empty");
        }
        if (!tree.isObject()) {
            throw new ConfigException(source, "must be a YAML mapping of sections (name, seed, backbone, ...)");
        }
        return (ObjectNode) tree;
    }

    /** Parses a whole YAML file's text, refusing keys written twice in a mapping. Null for empty text. */
    private static JsonNode parse(String yaml, String source) {
        try {
            JsonNode tree = MAPPER.readTree(yaml);
            ConfigErrors duplicates = new ConfigErrors();
            checkDuplicateKeys(yaml, "", duplicates);
            duplicates.throwIfAny(source);
            return tree;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ConfigException(source, "not valid YAML" + where + ": " + e.getOriginalMessage());
        }
    }

    /**
     * Adds an error for every key written twice in one mapping of {@code yaml} (already known to parse), with
     * both lines; {@code base} is the YAML path of the parsed value.
     */
    static void checkDuplicateKeys(String yaml, String base, ConfigErrors errors) throws JsonProcessingException {
        try (JsonParser parser = MAPPER.getFactory().createParser(yaml)) {
            DuplicateKeys.check(parser, base, errors);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("reading a string cannot fail", e);
        }
    }

    /** Renders a config record as YAML, every default written out. */
    public static String toYaml(Object config) {
        try {
            return MAPPER.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render config", e);
        }
    }
}
