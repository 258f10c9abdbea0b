package dev.graft.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The report reads the run's result files back as training wrote them. */
class ReportFilesTest {
    @TempDir
    Path dir;

    @Test
    void predictionsFileReadsTheCellsSplitResultFilesQuotes() throws IOException {
        String path = "/data/a, \"b\".png";
        Path csv = dir.resolve("val-predictions.csv");
        Files.writeString(csv, "path,label,predicted,p_x,p_y\n" + SplitResultFiles.cell(path) + ",y,x,0.75,0.25\n");
        PredictionsFile file = PredictionsFile.read(csv);
        assertEquals(path, file.path(0));
        assertEquals(List.of("x", "y"), file.suffixes("p_"));
        PredictionsFile.Labelled row = file.labelled().get(0);
        assertEquals(1, row.label());
        assertEquals(0, row.decided());
        assertEquals(-Math.log(0.25), row.loss(), 1e-12);
    }

    @Test
    void labelThresholdsAreReadWhenEveryLabelHasOne() throws IOException {
        Path tuned = dir.resolve("tuned.json");
        Files.writeString(tuned, "{\"per_label\": [{\"label\": \"a\", \"threshold\": 0.3}, "
                + "{\"label\": \"b\", \"threshold\": 0.7}]}");
        assertArrayEquals(new double[] {0.3, 0.7}, TargetReport.labelThresholds(tuned, 2));
        Path untuned = dir.resolve("untuned.json");
        Files.writeString(untuned, "{\"per_label\": [{\"label\": \"a\", \"auroc\": 0.9}, {\"label\": \"b\"}]}");
        assertNull(TargetReport.labelThresholds(untuned, 2), "no thresholds: the gallery decides at 0.5");
        assertNull(TargetReport.labelThresholds(dir.resolve("absent.json"), 2));
    }
}
