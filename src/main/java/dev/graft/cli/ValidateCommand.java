package dev.graft.cli;

import dev.graft.GraftException;
import dev.graft.config.ConfigLoader;
import dev.graft.config.ExperimentConfig;
import dev.graft.config.SweepLoader;
import dev.graft.config.SweepPlan;
import dev.graft.config.YamlFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code graft validate}: check a config and print it fully resolved, or list every problem (exit 2). */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Check an experiment file and print it with every default filled in.",
                "A sweep file (with base: and space:) is checked with every searched value against its base.",
                "The data folders and a weights file must exist too, unless --schema-only: that checks a config "
                        + "whose data is not downloaded yet (or lives on another machine)."})
final class ValidateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ExperimentOptions experimentFile;

    @Option(names = {"--schema-only", "--no-files"},
            description = "Check keys, types and values only, not that the data folders and the weights file exist "
                    + "on this machine.")
    boolean schemaOnly;

    @Override
    public Integer call() {
        if (SweepLoader.isSweep(YamlFiles.readMapping(experimentFile.config))) {
            return validateSweep();
        }
        ExperimentConfig resolved = loader().load(experimentFile.config, experimentFile.overrides());
        spec.commandLine().getOut().print(YamlFiles.toYaml(resolved));
        spec.commandLine().getOut().flush();
        return 0;
    }

    private ConfigLoader loader() {
        return schemaOnly ? ConfigLoader.schemaOnly() : new ConfigLoader();
    }

    /** A sweep file (top-level base: / space:): the resolved sweep, then its resolved base experiment. */
    private int validateSweep() {
        if (!experimentFile.overrides().isEmpty()) {
            throw GraftException.usage("--set overrides experiment files; edit the sweep file " + experimentFile.config
                    + " instead");
        }
        SweepPlan plan = new SweepLoader(loader()).load(experimentFile.config);
        spec.commandLine().getOut().print("# sweep " + experimentFile.config + " (resolved; " + plan.sweep().trials()
                + " trials)\n"
                + YamlFiles.toYaml(plan.sweep()) + "\n# base experiment " + plan.baseFile() + " (resolved)\n"
                + YamlFiles.toYaml(plan.base()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
