package dev.graft.sweep;

import dev.graft.config.ExperimentConfig;
import dev.graft.config.SweepPlan;
import dev.graft.run.Provenance;
import dev.graft.run.RunDirectory;
import dev.graft.train.StopSignal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one trial as a full Graft run: the base config with the trial's values (and {@code budget.epochs_per_trial})
 * applied, in its own run folder {@code trials/trial-NNN/<time>/}; an interrupted trial continues from its
 * {@code last.zip}. The sweep makes the config and the folder and keeps the record; the {@link TrialExecutor}
 * trains. Whatever happens (divergence, an exception, running out of memory) ends as a {@link TrialRecord};
 * nothing escapes to stop the sweep.
 */
final class TrialRun {
    private static final Logger LOG = LoggerFactory.getLogger(TrialRun.class);

    private final SweepPlan plan;
    private final Path sweepDir;
    private final SweepState state;
    private final TrialExecutor executor;
    private final String graftVersion;

    TrialRun(SweepPlan plan, Path sweepDir, SweepState state, TrialExecutor executor, String graftVersion) {
        this.plan = plan;
        this.sweepDir = sweepDir;
        this.state = state;
        this.executor = executor;
        this.graftVersion = graftVersion;
    }

    /** The trial's experiment config; {@code runName} names its run folder (null keeps the base's name). */
    static List<String> overrides(SweepPlan plan, Map<String, String> values, String runName) {
        List<String> out = new ArrayList<>(TrialPoint.overrides(values));
        int epochs = plan.sweep().budget().epochsPerTrial();
        if (epochs > 0) {
            out.add("train.epochs=" + epochs);
        }
        if (runName != null) {
            out.add("name=" + runName);
        }
        return out;
    }

    static String runName(int trial) {
        return String.format("trial-%03d", trial);
    }

    /** Runs (or continues, when {@code previous} was interrupted) trial {@code trial}. */
    TrialRecord run(int trial, Map<String, String> values, TrialRecord previous, StopSignal stop) {
        long start = System.nanoTime();
        Path last = previous == null || previous.run() == null ? null
                : sweepDir.resolve(previous.run()).resolve("checkpoints").resolve("last.zip");
        boolean resume = last != null && Files.isRegularFile(last);
        double carried = resume ? previous.seconds() : 0;
        String runDir = resume ? previous.run() : null;
        try {
            ExperimentConfig config = plan.experiment(overrides(plan, values, runName(trial)));
            if (!resume) {
                runDir = createRunFolder(trial, values, config);
            }
            state.put(new TrialRecord(trial, values, TrialStatus.RUNNING, null, 0, 0, carried,
                    resume ? "continuing from last.zip" : "running", runDir));
            TrialJob job = new TrialJob(trial, sweepDir.toString(), runDir, resume ? last.toString() : null);
            TrialOutcome outcome = executor.train(job, config, stop);
            double seconds = outcome.status() == TrialStatus.FAILED ? carried + outcome.seconds() : outcome.seconds();
            return new TrialRecord(trial, values, outcome.status(), outcome.objective(), outcome.bestEpoch(),
                    outcome.epochs(), seconds, oneLine(outcome.message()), runDir);
        } catch (Exception | OutOfMemoryError | StackOverflowError e) { // a sweep outlives its trials
            LOG.debug("trial {} failed", trial, e); // the stack trace, with --verbose
            return new TrialRecord(trial, values, TrialStatus.FAILED, null, 0, 0, carried + seconds(start),
                    oneLine(TrialFailure.reason(e, runDir)), runDir);
        }
    }

    /** Creates the trial's run folder with its config and provenance; the executor opens it to train. */
    private String createRunFolder(int trial, Map<String, String> values, ExperimentConfig config) {
        try (RunDirectory run = RunDirectory.create(sweepDir.resolve("trials"), config,
                provenance(trial, values, config), LocalDateTime.now())) {
            return sweepDir.relativize(run.path()).toString();
        }
    }

    private Provenance provenance(int trial, Map<String, String> values, ExperimentConfig config) {
        return Provenance.collect(graftVersion, config.seed(), "graft sweep (" + sweepDir + ", trial " + trial + ")",
                Map.of("sweep", sweepDir.toString(), "trial", trial, "values", values));
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*\\n\\s*", "; ").trim();
    }
}
