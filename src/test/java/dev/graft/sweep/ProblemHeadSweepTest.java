package dev.graft.sweep;

import dev.graft.config.SweepLoader;
import dev.graft.config.SweepPlan;
import dev.graft.testing.ProblemSets;
import dev.graft.train.StopSignal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sweeps over a multi-label or regression experiment (issue 17) rank trials by the head's own metric: the best
 * epoch's {@code val_mauroc} (higher is better) or {@code val_mae} (lower is better) of each trial, read from its
 * metrics. Tiny: a frozen random CIFAR ResNet-20 (only the head trains, on cached features), two trials of two
 * epochs.
 */
class ProblemHeadSweepTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void makeData() throws IOException {
        ProblemSets.generate(dir, 24, 16, 31);
    }

    @ParameterizedTest
    @CsvSource({"multi_label, val_mauroc", "regression, val_mae"})
    void aSweepRanksTrialsByTheHeadsMetric(String problem, String metric) throws IOException {
        Files.writeString(dir.resolve(problem + "-base.yaml"), """
                name: %s
                seed: 5
                backbone: {arch: resnet20_cifar, weights: none, freeze: all}
                head: {problem: %s}
                data: {csv: %s, split: {val: 0.25}, image_size: 16, workers: 1}
                train:
                  epochs: 2
                  batch_size: 9
                  optimizer: {type: adam, lr: 1.0e-3}
                  schedule: {type: constant}
                """.formatted(problem, problem, ProblemSets.csv(dir, problem)));
        Path file = dir.resolve(problem + "-sweep.yaml");
        Files.writeString(file, """
                base: %s-base.yaml
                objective: {metric: %s}
                strategy: grid
                grid_points: 2
                space:
                  train.optimizer.lr: {log_uniform: [1.0e-4, 1.0e-1]}
                """.formatted(problem, metric));
        SweepPlan plan = new SweepLoader().load(file);
        SweepResult result = new SweepRunner(SweepTest.TRAINER, "test", new SweepTest.Heard()).start(plan,
                dir.resolve("experiments"), new StopSignal());
        assertEquals(metric, result.metric());
        List<TrialRecord> ranked = result.ranked();
        assertEquals(2, ranked.size());
        boolean minimize = metric.equals("val_mae");
        for (TrialRecord r : ranked) {
            assertEquals(TrialStatus.COMPLETED, r.status(), r.message());
            List<String> rows = Files.readAllLines(result.directory().resolve(r.run()).resolve("metrics.csv"));
            int column = List.of(rows.get(0).split(",")).indexOf(metric);
            assertTrue(column >= 0, metric + " in " + rows.get(0));
            double best = rows.stream().skip(1).mapToDouble(row -> Double.parseDouble(row.split(",")[column]))
                    .reduce(minimize ? Math::min : Math::max).orElseThrow();
            // metrics.csv holds 6 significant digits
            assertEquals(best, r.objective(), 1e-5 * Math.max(1, Math.abs(best)), "trial " + r.trial()
                    + "'s objective is its best epoch's " + metric);
        }
        double first = ranked.get(0).objective();
        double second = ranked.get(1).objective();
        assertTrue(minimize ? first <= second : first >= second, "ranked best first: " + first + ", " + second);
    }
}
