package dev.graft.cli;

import dev.graft.GraftException;
import dev.graft.backbone.BackboneLoader;
import dev.graft.config.SweepLoader;
import dev.graft.config.SweepPlan;
import dev.graft.run.NativeBackend;
import dev.graft.sweep.RankedTable;
import dev.graft.sweep.SweepResult;
import dev.graft.sweep.SweepRunner;
import dev.graft.sweep.TrialListener;
import dev.graft.sweep.TrialPoint;
import dev.graft.sweep.TrialRecord;
import dev.graft.sweep.TrialTrainer;
import dev.graft.train.StopSignal;
import dev.graft.train.Trainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code graft sweep}: a hyperparameter search over an experiment config (Arbiter), or its continuation. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Search hyperparameters of an experiment config.",
                "Every trial is a full training run of the sweep file's base config with the trial's values, in "
                        + "experiments/<sweep>/<time>/trials/. Writes trials.csv, best.yaml, plots and "
                        + "sweep-report.html. Ctrl-C stops the trials in flight; --resume continues."})
final class SweepCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(SweepCommand.class);

    @Spec
    CommandSpec spec;

    @ArgGroup(multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = {"-c", "--config"}, paramLabel = "SWEEP", description = "Sweep YAML file.")
        Path config;

        @Option(names = "--resume", paramLabel = "SWEEP_DIR",
                description = "Continue the sweep in SWEEP_DIR: finished trials are not run again.")
        Path resume;
    }

    @Option(names = "--runs-dir", paramLabel = "DIR", defaultValue = "experiments",
            description = "Where sweep folders go (default: ${DEFAULT-VALUE}).")
    Path runsDir;

    @Option(names = "--spark-master", paramLabel = "URL",
            description = "Run each trial as a Spark task: local[N], spark://HOST:PORT, yarn (sets executor: spark "
                    + "and spark.master; with --resume, for the remaining trials). The sweep folder must be on a "
                    + "filesystem the executors share, under the same path.")
    String sparkMaster;

    @Override
    public Integer call() {
        StopSignal stop = new StopSignal();
        // Serializable (TrialTrainer is): with executor: spark it travels to the executors.
        TrialTrainer trainer = (config, run, trialStop, resume) ->
                new Trainer(config, run, trialStop, BackboneLoader.standard()).train(resume);
        SweepRunner runner = new SweepRunner(trainer, GraftVersion.version(), new ConsoleListener());
        LOG.info("graft {} | {}", GraftVersion.version(), NativeBackend.info().summary());
        SweepResult result;
        if (source.resume != null) {
            StopOnSignal.install(stop);
            result = runner.resume(source.resume, sparkMaster, stop);
        } else {
            SweepPlan loaded = new SweepLoader().load(source.config);
            SweepPlan plan = sparkMaster == null ? loaded : loaded.onSpark(sparkMaster);
            LOG.info("sweep {}: {} search, {} trials over {}", plan.sweep().name(), plan.sweep().strategy(),
                    plan.sweep().trials(), String.join(", ", plan.sweep().space().paths()));
            StopOnSignal.install(stop);
            result = runner.start(plan, runsDir, stop);
        }
        return report(result, stop.requested());
    }

    private int report(SweepResult result, boolean interrupted) {
        PrintWriter out = spec.commandLine().getOut();
        out.println();
        out.print(RankedTable.render(result));
        for (TrialRecord r : result.ranked()) {
            if (!r.status().succeeded()) {
                out.printf(Locale.ROOT, "trial %d %s: %s%n", r.trial(), r.status(), r.message());
            }
        }
        out.printf("%nsweep folder: %s%n", result.directory());
        result.best().ifPresent(b -> out.printf(Locale.ROOT, "best: trial %d, %s %.4f -> %s%n", b.trial(),
                result.metric(), b.objective(), result.directory().resolve("best.yaml")));
        out.printf("report: %s%n", result.directory().resolve("sweep-report.html"));
        out.flush();
        if (result.stopReason() != null) {
            LOG.warn("{}: {} of {} trials finished; continue with: graft sweep --resume {}", result.stopReason(),
                    result.finished(), result.planned(), result.directory());
            if (interrupted) {
                return 130;
            }
        }
        if (result.best().isEmpty() && result.stopReason() == null) {
            throw new GraftException("no trial succeeded; the reasons are in " + result.directory()
                    .resolve("trials.csv"));
        }
        return 0;
    }

    /** One console line as each trial starts and ends. */
    private static final class ConsoleListener implements TrialListener {
        @Override
        public void trialStarted(int trial, int planned, Map<String, String> values) {
            LOG.info("trial {}/{}: {}", trial, planned, describe(values));
        }

        @Override
        public void trialFinished(TrialRecord r, int planned) {
            String objective = r.objective() == null ? "" : String.format(Locale.ROOT, ", objective %.4f (epoch %d)",
                    r.objective(), r.bestEpoch());
            LOG.info("trial {}/{} {}{} in {}s{}", r.trial(), planned, r.status(), objective,
                    Math.round(r.seconds()), r.status().succeeded() ? "" : ": " + r.message());
        }

        private static String describe(Map<String, String> values) {
            List<String> parts = new ArrayList<>();
            values.forEach((k, v) -> parts.add(k + "=" + TrialPoint.display(v)));
            return String.join(", ", parts);
        }
    }
}
