package dev.graft.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading YAML into a tree and writing config records back as YAML, with user-facing errors. */
public final class YamlFiles {
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

    /** Reads a YAML mapping; a missing file or a syntax error becomes a {@link ConfigException}. */
    public static ObjectNode readMapping(Path file) {
        String source = file.toString();
        try {
            return parseMapping(Files.readString(file), source);
        } catch (NoSuchFileException e) {
            throw new ConfigException(source, "no such file: " + file.toAbsolutePath());
        } catch (IOException e) {
            throw new ConfigException(source, "cannot read " + file + ": " + e.getMessage());
        }
    }

    public static ObjectNode parseMapping(String yaml, String source) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ConfigException(source, "not valid YAML" + where + ": " + e.getOriginalMessage());
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw new ConfigException(source, "the file is empty");
        }
        if (!tree.isObject()) {
            throw new ConfigException(source, "must be a YAML mapping of sections (name, seed, backbone, ...)");
        }
        return (ObjectNode) tree;
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
