package dev.graft.data;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.graft.GraftException;
import dev.graft.config.ConfigError;
import dev.graft.config.ConfigException;
import dev.graft.config.Suggestions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.graft.GraftException.USAGE;

/**
 * A CSV file with a header row (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes), parsed by
 * jackson-dataformat-csv. The delimiter is the most frequent of comma, semicolon and tab in the header; a UTF-8
 * BOM is ignored; blank lines are skipped.
 */
final class CsvManifest {
    private static final CsvMapper MAPPER = CsvMapper.builder()
            .enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .build();

    private final Path file;
    private final List<String> header;
    private final List<String[]> rows;
    private final List<Integer> lines;

    private CsvManifest(Path file, List<String> header, List<String[]> rows, List<Integer> lines) {
        this.file = file;
        this.header = header;
        this.rows = rows;
        this.lines = lines;
    }

    static CsvManifest read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new GraftException("data.csv.file: cannot read " + file + ": " + e.getMessage(), e);
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<String[]> records = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        try {
            parse(text, delimiter(text), records, lines);
        } catch (IOException e) {
            throw new GraftException("data.csv.file: " + file + " is not valid CSV: " + e.getMessage(), USAGE, e);
        }
        if (records.isEmpty()) {
            throw new GraftException("data.csv.file: " + file + " is empty (expected a header row and one row per image)");
        }
        List<String> header = List.of(records.get(0)).stream().map(String::trim).toList();
        return new CsvManifest(file, header, records.subList(1, records.size()), lines.subList(1, lines.size()));
    }

    List<String> header() {
        return header;
    }

    int rowCount() {
        return rows.size();
    }

    /** The trimmed value of {@code column} in row {@code row}; empty when the row is short. */
    String value(int row, int column) {
        String[] r = rows.get(row);
        return column < r.length ? r[column].trim() : "";
    }

    /** The 1-based line where row {@code row} starts. */
    int line(int row) {
        return lines.get(row);
    }

    /** Index of the column named {@code name}; a {@link ConfigException} naming the columns that exist otherwise. */
    int column(String name, String configPath) {
        int index = header.indexOf(name);
        if (index >= 0) {
            return index;
        }
        String hint = Suggestions.closest(name, header).map(s -> " (did you mean '" + s + "'?)").orElse("");
        throw new ConfigException(file.toString(), List.of(new ConfigError(configPath,
                "no column '" + name + "' in " + file.getFileName() + hint + "; its columns are: "
                        + String.join(", ", header))));
    }

    private static char delimiter(String text) {
        int end = text.indexOf('\n');
        String first = end < 0 ? text : text.substring(0, end);
        char best = ',';
        long bestCount = first.chars().filter(c -> c == ',').count();
        for (char candidate : new char[] {';', '\t'}) {
            long count = first.chars().filter(c -> c == candidate).count();
            if (count > bestCount) {
                best = candidate;
                bestCount = count;
            }
        }
        return best;
    }

    /** Records and the line each starts on, read by jackson-dataformat-csv (RFC 4180 quoting). */
    private static void parse(String text, char delimiter, List<String[]> records, List<Integer> lines)
            throws IOException {
        CsvSchema schema = CsvSchema.emptySchema().withColumnSeparator(delimiter);
        try (MappingIterator<String[]> rows = MAPPER.readerFor(String[].class).with(schema).readValues(text)) {
            while (rows.hasNextValue()) {
                records.add(rows.nextValue());
                lines.add(rows.getParser().currentTokenLocation().getLineNr());
            }
        }
    }
}
