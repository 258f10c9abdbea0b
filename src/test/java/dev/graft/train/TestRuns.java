package dev.graft.train;

import dev.graft.backbone.BackboneLoader;
import dev.graft.config.ExperimentConfig;
import dev.graft.run.Provenance;
import dev.graft.run.RunDirectory;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Map;

/** The run folder and Trainer call the training tests share. */
final class TestRuns {
    private TestRuns() {
    }

    /** A new run folder of {@code config} under {@code dir/experiments}. */
    static RunDirectory newRun(Path dir, ExperimentConfig config) {
        return RunDirectory.create(dir.resolve("experiments"), config,
                Provenance.collect("test", config.seed(), "test", Map.of()), LocalDateTime.now());
    }

    /** Trains in-process from the start, or from {@code resume} (a last.zip) when not null. */
    static TrainResult train(ExperimentConfig config, StopSignal stop, Path resume, RunDirectory run) {
        return new Trainer(config, run, stop, BackboneLoader.standard()).train(resume);
    }
}
