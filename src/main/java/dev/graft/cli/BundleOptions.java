package dev.graft.cli;

import dev.graft.GraftException;
import dev.graft.export.Classifier;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;

/** The options of the commands that run an exported bundle ({@code predict}, {@code serve}), written once. */
final class BundleOptions {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "BUNDLE",
            description = "A bundle folder or .zip written by 'graft export'.")
    Path model;

    @Option(names = "--engine", paramLabel = "dl4j|onnx",
            description = "Which model of the bundle runs (default: dl4j when the bundle has it).")
    String engine;

    @Option(names = "--max-pixels", paramLabel = "N", defaultValue = "" + Classifier.DEFAULT_MAX_PIXELS,
            description = "Largest image, width x height read from its header before decoding; larger ones are "
                    + "refused (default: ${DEFAULT-VALUE}).")
    long maxPixels;

    /** The bundle, loaded with the chosen engine and pixel limit. */
    Classifier load() {
        return Classifier.load(model, engine(engine), maxPixels);
    }

    /** The engine named on the command line; null (the bundle's default) when none is. */
    static Classifier.Engine engine(String name) {
        if (name == null) {
            return null;
        }
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "dl4j" -> Classifier.Engine.DL4J;
            case "onnx" -> Classifier.Engine.ONNX;
            default -> throw GraftException.usage("--engine must be dl4j or onnx (was '" + name + "')");
        };
    }
}
