package dev.graft.cli;

import dev.graft.config.ConfigLoader;
import dev.graft.config.ExperimentConfig;
import dev.graft.config.YamlFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code graft validate}: check a config and print it fully resolved, or list every problem (exit 2). */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check an experiment file and print it with every default filled in.")
final class ValidateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "Experiment YAML file.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a config value, e.g. --set train.epochs=5 (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() {
        ExperimentConfig resolved = new ConfigLoader().load(config, overrides);
        spec.commandLine().getOut().print(YamlFiles.toYaml(resolved));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
