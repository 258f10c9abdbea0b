package dev.graft.data;

import dev.graft.GraftException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The manifest reader: RFC 4180 quoting, delimiters, BOM, blank lines and the line each row starts on. */
class CsvManifestTest {
    @TempDir
    Path dir;

    private CsvManifest read(String text) throws IOException {
        return CsvManifest.read(Files.writeString(dir.resolve("m.csv"), text));
    }

    @Test
    void quotedFieldsKeepDelimitersQuotesAndLineBreaks() throws IOException {
        CsvManifest m = read("\uFEFFid,label , note\r\na.png,cat,\"fluffy, \"\"very\"\"\nindeed\"\r\n\n b.png ,dog\n");
        assertEquals(List.of("id", "label", "note"), m.header());
        assertEquals(2, m.rowCount());
        assertEquals("fluffy, \"very\"\nindeed", m.value(0, 2));
        assertEquals(2, m.line(0));
        assertEquals("b.png", m.value(1, 0), "values are trimmed");
        assertEquals("", m.value(1, 2), "a short row reads as empty");
        assertEquals(5, m.line(1), "the row after a two-line field and a blank line");
    }

    @Test
    void theHeadersMostFrequentDelimiterWins() throws IOException {
        assertEquals(List.of("a", "b", "c,d"), read("a;b;c,d\n1;2;3\n").header());
        assertEquals(List.of("x", "y", "z"), read("x\ty\tz\n1\t2\t3\n").header());
    }

    @Test
    void anUnclosedQuoteIsABadInputNamingTheFile() {
        GraftException e = assertThrows(GraftException.class, () -> read("id,label\n\"a.png,cat\n"));
        assertEquals(GraftException.USAGE, e.exitCode());
        assertTrue(e.getMessage().startsWith("data.csv.file: " + dir.resolve("m.csv") + " is not valid CSV"),
                e.getMessage());
    }

    @Test
    void anEmptyFileSaysWhatIsExpected() {
        GraftException e = assertThrows(GraftException.class, () -> read("\n\n"));
        assertTrue(e.getMessage().contains("is empty (expected a header row"), e.getMessage());
    }
}
