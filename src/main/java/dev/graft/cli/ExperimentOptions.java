package dev.graft.cli;

import dev.graft.config.ConfigLoader;
import dev.graft.config.ExperimentConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code --config FILE} and {@code --set}, written once for the commands that read one experiment file (bench,
 * data, validate). train and sweep declare {@code --config} in a group exclusive with {@code --resume} (picocli
 * does not take mixins inside argument groups) and share {@link OverrideOptions}.
 */
final class ExperimentOptions {
    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "Experiment YAML file (validate also takes a sweep file).")
    Path config;

    @Mixin
    OverrideOptions set;

    List<String> overrides() {
        return set.overrides;
    }

    /** The experiment, checked against the schema and this machine's files. */
    ExperimentConfig load() {
        return new ConfigLoader().load(config, overrides());
    }
}
