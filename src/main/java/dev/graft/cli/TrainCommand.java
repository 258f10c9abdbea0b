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

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

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
        TrainResult result;
        if (source.resume != null) {
            result = resume(stop);
        } else {
            List<String> settings = new ArrayList<>(set.overrides);
            if (sparkMaster != null) {
                settings.add("train.distributed.engine=spark");
                settings.add("train.distributed.master=\"" + sparkMaster + "\"");
            }
            ExperimentConfig config = new ConfigLoader().load(source.config, settings);
            LOG.info("graft {} | {}", GraftVersion.version(), NativeBackend.info().summary());
            Provenance provenance = Provenance.collect(GraftVersion.version(), config.seed(),
                    "graft train --config " + source.config, Map.of());
            try (RunDirectory run = RunDirectory.create(runsDir, config, provenance, LocalDateTime.now())) {
                LOG.info("run folder: {}", run.path());
                StopOnSignal.install(stop);
                result = new Trainer(config, run, stop, BackboneLoader.standard(), DistributedTraining.fitters())
                        .train(null);
            }
        }
        return report(result);
    }

    private TrainResult resume(StopSignal stop) {
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
            StopOnSignal.install(stop);
            return new Trainer(config, run, stop, BackboneLoader.standard(), DistributedTraining.fitters())
                    .train(last);
        }
    }

    private int report(TrainResult result) {
        switch (result.status()) {
            case COMPLETED, EARLY_STOPPED -> {
                LOG.info("{}; best {} at epoch {}: {}", result.message(), "checkpoint", result.bestEpoch(),
                        result.bestCheckpoint());
                LOG.info("report: {}", result.runDirectory().resolve("report.html"));
                ExportCommand.afterTraining(result.runDirectory(), spec.commandLine().getOut());
                return 0;
            }
            case INTERRUPTED -> {
                LOG.warn(result.message());
                return 130;
            }
            default -> throw new GraftException(result.message());
        }
    }
}
