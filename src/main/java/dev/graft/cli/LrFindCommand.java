package dev.graft.cli;

import dev.graft.backbone.BackboneLoader;
import dev.graft.config.ExperimentConfig;
import dev.graft.train.LrFinder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code graft lr-find}: the learning-rate range test on an experiment's model and data. */
@Command(name = "lr-find", mixinStandardHelpOptions = true,
        description = {"Learning-rate range test: train with an exponentially rising rate and plot the loss.",
                "Writes lr-find.csv and lr-find.png and prints a suggested rate as a ready --set line; saves no "
                        + "model, checkpoint or run folder."})
final class LrFindCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ExperimentOptions experimentFile;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "200",
            description = "Updates in the sweep (default: ${DEFAULT-VALUE}); it stops early when the loss explodes.")
    int steps;

    @Option(names = "--min-lr", paramLabel = "LR", defaultValue = "1e-7",
            description = "First learning rate (default: ${DEFAULT-VALUE}).")
    double minLr;

    @Option(names = "--max-lr", paramLabel = "LR", defaultValue = "10",
            description = "Last learning rate (default: ${DEFAULT-VALUE}).")
    double maxLr;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Output folder (default: experiments/lr-find/<experiment name>).")
    Path out;

    @Override
    public Integer call() {
        ExperimentConfig config = experimentFile.load();
        Path dir = out != null ? out : Path.of("experiments", "lr-find", config.name());
        LrFinder.Outcome o = LrFinder.run(config, BackboneLoader.standard(),
                new LrFinder.Options(steps, minLr, maxLr, dir));
        PrintWriter console = spec.commandLine().getOut();
        console.printf(Locale.ROOT, "lr-find: %d steps%s; curve in %s and %s%n", o.steps(),
                o.diverged() ? " (stopped: loss above 4x its best)" : "", o.csv(), o.png());
        console.printf(Locale.ROOT, "lowest smoothed loss at lr %.3g; steepest descent at %s%n", o.minimumLr(),
                Double.isFinite(o.steepestLr()) ? String.format(Locale.ROOT, "%.3g", o.steepestLr()) : "none");
        if (Double.isFinite(o.suggestedLr())) {
            console.printf(Locale.ROOT, "suggested (lowest loss's rate / 10): %.3g%n--set train.optimizer.lr=%.3g%n",
                    o.suggestedLr(), o.suggestedLr());
        } else {
            console.printf(Locale.ROOT, "the loss never fell: no suggestion; lower --min-lr or add --steps%n");
        }
        console.flush();
        return 0;
    }
}
