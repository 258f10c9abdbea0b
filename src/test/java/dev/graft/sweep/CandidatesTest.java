package dev.graft.sweep;

import dev.graft.config.SweepConfig;
import dev.graft.config.SweepLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Arbiter's candidates over a sweep space: in range, reproducible from the seed, the whole grid in order. */
class CandidatesTest {
    @TempDir
    Path dir;

    private SweepConfig sweep(String body) throws IOException {
        Files.createDirectories(dir.resolve("imgs/a"));
        Files.writeString(dir.resolve("exp.yaml"), "backbone: {arch: resnet18}\ndata: {root: imgs}\n");
        Files.writeString(dir.resolve("s.yaml"), "base: exp.yaml\n" + body);
        return new SweepLoader(Map.of(), dir).load(dir.resolve("s.yaml")).sweep();
    }

    @Test
    void randomSearchStaysInRangeAndRepeatsForTheSameSeed() throws IOException {
        String space = """
                trials: 40
                space:
                  train.optimizer.lr: {log_uniform: [1.0e-5, 1.0e-1]}
                  head.dropout: {uniform: [0.0, 0.5]}
                  train.batch_size: {int_uniform: [8, 12]}
                  backbone.freeze: {choice: [[stem, stage1], all]}
                """;
        List<TrialPoint> a = Candidates.preview(sweep("seed: 3\n" + space), 40);
        assertEquals(a, Candidates.preview(sweep("seed: 3\n" + space), 40), "same seed, same trials");
        assertNotEquals(a, Candidates.preview(sweep("seed: 4\n" + space), 40));
        Set<String> freezes = new HashSet<>();
        Set<String> sizes = new HashSet<>();
        int lowDecades = 0;
        for (TrialPoint p : a) {
            double lr = Double.parseDouble(p.values().get(0));
            double dropout = Double.parseDouble(p.values().get(1));
            assertTrue(lr >= 1e-5 && lr <= 1e-1, "lr " + lr);
            assertTrue(dropout >= 0 && dropout <= 0.5, "dropout " + dropout);
            lowDecades += lr < 1e-3 ? 1 : 0;
            sizes.add(p.values().get(2));
            freezes.add(p.values().get(3));
        }
        assertTrue(lowDecades >= 10, "log-uniform: about half of 40 below 1e-3, was " + lowDecades);
        assertEquals(Set.of("8", "9", "10", "11", "12"), sizes);
        assertEquals(Set.of("[\"stem\",\"stage1\"]", "\"all\""), freezes);
        assertEquals("[stem, stage1]", TrialPoint.display("[\"stem\",\"stage1\"]"));
    }

    @Test
    void gridVisitsEveryCombinationOnceFirstKeyFastest() throws IOException {
        SweepConfig s = sweep("""
                strategy: grid
                grid_points: 3
                space:
                  train.optimizer.lr: {log_uniform: [1.0e-4, 1.0e-2]}
                  train.batch_size: {choice: [16, 32]}
                """);
        assertEquals(6, s.trials());
        List<List<String>> values = Candidates.preview(s, 100).stream().map(TrialPoint::values).toList();
        assertEquals(List.of(List.of("1.0E-4", "16"), List.of("0.001", "16"), List.of("0.01", "16"),
                List.of("1.0E-4", "32"), List.of("0.001", "32"), List.of("0.01", "32")), values);
    }
}
