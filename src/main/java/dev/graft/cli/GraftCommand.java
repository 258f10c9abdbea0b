package dev.graft.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top-level {@code graft} command; the work happens in its subcommands. */
@Command(name = "graft",
        mixinStandardHelpOptions = true,
        versionProvider = GraftVersion.class,
        description = "Fine-tune pretrained ResNet backbones into image classifiers from one YAML file.",
        subcommands = {TrainCommand.class, LrFindCommand.class, BenchCommand.class, EvaluateCommand.class, ValidateCommand.class, EnvCommand.class, DataCommand.class, BackbonesCommand.class, ClassifyCommand.class, ExportCommand.class, PredictCommand.class, ExplainCommand.class, ServeCommand.class, SweepCommand.class},
        footer = {"", "Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error, "
                + "130 interrupted (Ctrl-C or SIGTERM; the run is saved: resume with --resume).",
                "Run 'graft COMMAND --help' for a command's options."})
final class GraftCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    GlobalOptions global;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
