package dev.graft.cli;

import dev.graft.GraftException;
import dev.graft.config.ExperimentConfig;
import dev.graft.data.ContactSheet;
import dev.graft.data.DataPipeline;
import dev.graft.data.DataReport;
import dev.graft.data.Normalization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code graft data}: scan the dataset a config names, print what is there, write a report and a contact sheet. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = {"Scan the dataset of an experiment: per split and class the image counts, unreadable files,"
                + " sizes and modes; class weights and sampler.",
                "Writes data-report.json and augment-samples.png (augmented training images) into --out."})
final class DataCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ExperimentOptions experimentFile;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = ".",
            description = "Folder for data-report.json and augment-samples.png (default: current folder).")
    Path out;

    @Option(names = "--rows", paramLabel = "N", defaultValue = "8",
            description = "Training images in the contact sheet (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--draws", paramLabel = "N", defaultValue = "7",
            description = "Augmented versions per image in the contact sheet (default: ${DEFAULT-VALUE}).")
    int draws;

    @Override
    public Integer call() {
        ExperimentConfig experiment = experimentFile.load();
        PrintWriter stdout = spec.commandLine().getOut();
        // Normalisation only affects tensors, which this command does not print; the backbone's own
        // mean/std is used by training. ImageNet's is reported here.
        try (DataPipeline data = DataPipeline.open(experiment.data(), experiment.head().problem(), experiment.seed(),
                experiment.imageSize(), Normalization.IMAGENET)) {
            DataReport report = data.report();
            report.table().forEach(stdout::println);
            Path json = out.resolve("data-report.json");
            Path sheet = out.resolve("augment-samples.png");
            try {
                report.write(json);
                ContactSheet.write(data, sheet, Math.max(1, rows), Math.max(1, draws));
            } catch (IOException e) {
                throw new GraftException("cannot write to " + out + ": " + e.getMessage(), e);
            }
            stdout.println();
            stdout.println("wrote " + json + " and " + sheet);
            stdout.flush();
        }
        return 0;
    }
}
