package dev.graft.cli;

import dev.graft.GraftException;
import dev.graft.backbone.BackboneLoader;
import dev.graft.config.ConfigLoader;
import dev.graft.config.ExperimentConfig;
import dev.graft.config.FileChecks;
import dev.graft.distributed.DistributedTraining;
import dev.graft.run.NativeBackend;
import dev.graft.run.Provenance;
import dev.graft.run.RunDirectory;
import dev.graft.run.RunStatus;
import dev.graft.train.StopSignal;
import dev.graft.train.TrainResult;
import dev.graft.train.Trainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/** {@code graft train}: fine-tune a backbone on the config's images, or resume an interrupted run. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Fine-tune a pretrained ResNet as the config describes.",
                "Every run gets its own folder under experiments/. Ctrl-C finishes the batch, saves last.zip and "
                        + "tells how to resume."})
final class TrainCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(TrainCommand.class);

    @Spec
    CommandSpec spec;

    @ArgGroup(multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Experiment YAML file.")
        Path config;

        @Option(names = "--resume", paramLabel = "RUN_DIR",
                description = "Continue the run in RUN_DIR exactly where it stopped.")
        Path resume;
    }

    @Mixin
    OverrideOptions set;

    @Option(names = "--spark-master", paramLabel = "URL",
            description = "Train on Spark: local[N], spark://HOST:PORT, yarn (sets train.distributed.engine=spark "
                    + "and train.distributed.master).")
    String sparkMaster;

    @Option(names = "--runs-dir", paramLabel = "DIR", defaultValue = "experiments",
            description = "Where run folders go (default: ${DEFAULT-VALUE}).")
    Path runsDir;

    @Override
    public Integer call() {
        StopSignal stop = new StopSignal();
        return source.resume != null ? resume(stop) : start(stop);
    }

    private int start(StopSignal stop) {
        List<String> settings = new ArrayList<>(set.overrides);
        if (sparkMaster != null) {
            settings.add("train.distributed.engine=spark");
            settings.add("train.distributed.master=\"" + sparkMaster + "\"");
        }
        ExperimentConfig config = new ConfigLoader().load(source.config, settings);
        LOG.info("graft {} | {}", GraftVersion.version(), NativeBackend.info().summary());
        Provenance provenance = Provenance.collect(GraftVersion.version(), config.seed(), commandLine(), Map.of());
        try (RunDirectory run = RunDirectory.create(runsDir, config, provenance, LocalDateTime.now())) {
            LOG.info("run folder: {}", run.path());
            return train(run, config, null, stop);
        }
    }

    private int resume(StopSignal stop) {
        if (!set.overrides.isEmpty() || sparkMaster != null) {
            throw GraftException.usage("--set and --spark-master cannot change a run being resumed; start a new "
                    + "run instead");
        }
        Path dir = source.resume;
        Path last = dir.resolve("checkpoints").resolve("last.zip");
        if (!Files.isRegularFile(last)) {
            throw GraftException.usage(dir + " has no checkpoints/last.zip to resume from");
        }
        // The checkpoint holds the weights: resuming needs the run's data, not its backbone.weights file.
        ExperimentConfig config = new ConfigLoader().checking(FileChecks.Scope.DATA)
                .load(dir.resolve(RunDirectory.CONFIG));
        LOG.info("graft {} | {}", GraftVersion.version(), NativeBackend.info().summary());
        try (RunDirectory run = RunDirectory.open(dir)) {
            Optional<RunStatus> status = run.status();
            if (status.isPresent() && status.get().finished()) {
                return finished(run, status.get());
            }
            return train(run, config, last, stop);
        }
    }

    /** Trains in {@code run}; its status file and train.log say how the run ended, failures included. */
    private int train(RunDirectory run, ExperimentConfig config, Path resumeFrom, StopSignal stop) {
        run.status(RunStatus.RUNNING, resumeFrom == null ? "training" : "training (resumed)");
        TrainResult result;
        try {
            StopOnSignal.install(stop);
            result = new Trainer(config, run, stop, BackboneLoader.standard(), DistributedTraining.fitters())
                    .train(resumeFrom);
        } catch (RuntimeException | Error e) {
            run.failed(e);
            if (resumeFrom == null && e instanceof GraftException && !Files.exists(run.resolve("checkpoints"))) {
                run.discard(); // bad input before anything was trained: no folder to clean up later
                LOG.info("removed the run folder {}: the run failed before training anything", run.path());
            }
            throw e;
        }
        return report(run, result);
    }

    private int report(RunDirectory run, TrainResult result) {
        switch (result.status()) {
            case COMPLETED, EARLY_STOPPED -> {
                LOG.info("{}; best {} at epoch {}: {}", result.message(), "checkpoint", result.bestEpoch(),
                        result.bestCheckpoint());
                LOG.info("report: {}", result.runDirectory().resolve("report.html"));
                return export(run, result.runStatus(), result.message());
            }
            case INTERRUPTED -> {
                LOG.warn(result.message());
                run.status(result.runStatus(), result.message());
                return 130;
            }
            default -> {
                run.status(result.runStatus(), result.message());
                throw new GraftException(result.message());
            }
        }
    }

    /** {@code --resume} of a run that had finished: redoes an export that was interrupted, else nothing. */
    private int finished(RunDirectory run, RunStatus status) {
        if (Files.isDirectory(run.resolve("export"))) {
            LOG.info("{} has finished ({}); nothing to resume", run.path(), status.word());
            return 0;
        }
        LOG.info("{} has finished ({}); redoing its export if the config asks for one", run.path(), status.word());
        return export(run, status, "training had finished");
    }

    /**
     * The export the config asks for after training. A signal now does not stop training (it is over): the export
     * finishes, then the command exits with 130; a second signal abandons it ({@code --resume} redoes it).
     */
    private int export(RunDirectory run, RunStatus trained, String message) {
        run.status(trained, message + "; exporting");
        AtomicReference<String> signal = new AtomicReference<>();
        StopOnSignal.onSignal(name -> {
            if (signal.getAndSet("SIG" + name) != null) {
                LOG.warn("second signal: export abandoned; graft train --resume {} redoes it", run.path());
                Runtime.getRuntime().halt(130);
            }
            LOG.warn("SIG{} during the export: training is complete, the export finishes first (press Ctrl-C again "
                    + "to abandon it)", name);
        });
        try {
            StringWriter lines = new StringWriter();
            ExportCommand.afterTraining(run.path(), new PrintWriter(lines));
            spec.commandLine().getOut().print(lines);
            spec.commandLine().getOut().flush();
            lines.toString().lines().forEach(run::note);
        } catch (RuntimeException | Error e) {
            run.failed(e);
            throw e;
        }
        run.status(trained, message);
        if (signal.get() != null) {
            LOG.warn("{}: stopped after the export ({})", signal.get(), message);
            return 130;
        }
        return 0;
    }

    /** The command line as given, to reproduce the run from its folder ({@code provenance.json}). */
    private String commandLine() {
        List<String> words = new ArrayList<>(List.of("graft"));
        for (String arg : spec.root().commandLine().getParseResult().originalArgs()) {
            words.add(arg.matches("[\\w@%+=:,./-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'");
        }
        return String.join(" ", words);
    }
}
