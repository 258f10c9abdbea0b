package dev.graft.sweep;

import dev.graft.GraftException;
import dev.graft.config.SweepConfig;
import dev.graft.config.SweepPlan;
import dev.graft.train.StopSignal;
import org.deeplearning4j.arbiter.optimize.config.OptimizationConfiguration;
import org.deeplearning4j.arbiter.optimize.runner.LocalOptimizationRunner;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a sweep: Arbiter's {@link LocalOptimizationRunner} draws the candidates ({@link Candidates}) and runs
 * {@code parallel} trials at a time through a {@link TrialTaskCreator}; each trial is a Graft training run, on this
 * process's threads or as a Spark task ({@code executor: spark}, {@link SparkTrials}). At
 * the end (also when stopped) the folder gets {@code best.yaml}, the plots and {@code sweep-report.html}.
 */
public final class SweepRunner {
    private final TrialTrainer trainer;
    private final String graftVersion;
    private final TrialListener listener;

    /**
     * @param graftVersion recorded in every trial's provenance
     * @param listener     hears about trials as they start and end
     */
    public SweepRunner(TrialTrainer trainer, String graftVersion, TrialListener listener) {
        this.trainer = trainer;
        this.graftVersion = graftVersion;
        this.listener = listener;
    }

    /** Starts a new sweep in {@code experiments/<sweep name>/<time>/}. */
    public SweepResult start(SweepPlan plan, Path experimentsRoot, StopSignal stop) {
        try (TrialExecutor executor = executor(plan)) { // a cluster that cannot be used leaves no sweep folder
            Path dir = SweepFolder.create(experimentsRoot.toAbsolutePath().normalize(), plan, LocalDateTime.now());
            SweepState state = SweepState.create(dir, plan.sweep().space().paths());
            return run(plan, dir, state, executor, stop);
        }
    }

    /**
     * Continues the sweep in {@code dir}: finished trials (succeeded, diverged or failed) are not run again,
     * interrupted ones continue from their {@code last.zip}, the rest run.
     */
    public SweepResult resume(Path sweepDir, StopSignal stop) {
        return resume(sweepDir, null, stop);
    }

    /**
     * As {@link #resume(Path, StopSignal)}, with the remaining trials run as Spark tasks on {@code sparkMaster}
     * (null: where the sweep's {@code sweep.yaml} says); the record in the folder is not changed.
     */
    public SweepResult resume(Path sweepDir, String sparkMaster, StopSignal stop) {
        Path dir = sweepDir.toAbsolutePath().normalize();
        SweepPlan saved = SweepFolder.load(dir);
        SweepPlan plan = sparkMaster == null ? saved : saved.onSpark(sparkMaster);
        SweepState state = SweepState.load(dir, plan.sweep().space().paths());
        checkSameCandidates(plan.sweep(), state);
        try (TrialExecutor executor = executor(plan)) {
            return run(plan, dir, state, executor, stop);
        }
    }

    private TrialExecutor executor(SweepPlan plan) {
        return TrialExecutor.open(plan.sweep(), new TrialBody(trainer, new ObjectiveScore(plan.sweep().objective())));
    }

    /** The sweep's candidates must be the ones its record holds (the same file, seed and Arbiter). */
    private static void checkSameCandidates(SweepConfig sweep, SweepState state) {
        List<TrialPoint> points = Candidates.preview(sweep, sweep.trials());
        for (TrialRecord r : state.all()) {
            Map<String, String> expected = r.trial() <= points.size()
                    ? points.get(r.trial() - 1).byKey(state.keys()) : null;
            if (!r.values().equals(expected)) {
                throw GraftException.usage("trial " + r.trial() + " was recorded with " + r.values()
                        + " but the sweep now generates " + expected + "; was sweep.yaml edited? Start a new sweep");
            }
        }
    }

    private SweepResult run(SweepPlan plan, Path dir, SweepState state, TrialExecutor executor, StopSignal stop) {
        SweepConfig sweep = plan.sweep();
        ObjectiveScore objective = new ObjectiveScore(sweep.objective());
        TrialRun trials = new TrialRun(plan, dir, state, executor, graftVersion);
        SweepSession session = new SweepSession(state, trials, listener, sweep.trials());
        OptimizationConfiguration arbiter = new OptimizationConfiguration.Builder()
                .candidateGenerator(Candidates.of(sweep))
                .scoreFunction(objective)
                .terminationConditions(new SweepTermination(sweep.trials(), session, stop,
                        sweep.budget().maxMinutes()))
                .build();
        new LocalOptimizationRunner(sweep.parallel(), arbiter, new TrialTaskCreator(session)).execute();
        String stopReason = session.stopReason();
        List<TrialRecord> ranked = new ArrayList<>(state.all().stream().filter(TrialRecord::ranked)
                .sorted(objective.ranking()).toList());
        state.all().stream().filter(r -> !r.ranked()).forEach(ranked::add);
        SweepResult result = new SweepResult(dir, objective.metric(), state.keys(), ranked, sweep.trials(),
                stopReason);
        SweepReport.write(dir, plan, result);
        return result;
    }
}
