package dev.graft.cli;

import dev.graft.AtomicFiles;
import dev.graft.GraftException;
import dev.graft.export.Classifier;
import dev.graft.export.Explanation;
import dev.graft.export.InvalidImageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code graft explain}: Grad-CAM heatmaps of images with an exported bundle. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Show where the model looked: the Grad-CAM heatmap (Selvaraju et al. 2017) of a class in a "
                + "stage's output, for each image.",
                "Writes per image NAME.png (the heatmap over the image as the model saw it: resized and cropped) and "
                        + "NAME.csv (the map, one row per pixel row, values 0..1)."})
final class ExplainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    BundleOptions bundle;

    @Parameters(arity = "1..*", paramLabel = "IMAGE|DIR", description = "Image files or folders of images.")
    List<Path> inputs;

    @Option(names = "--class", paramLabel = "C", description = "The class to explain (default: each image's "
            + "predicted class).")
    String className;

    @Option(names = "--stage", paramLabel = "STAGE", description = "The stage whose output is explained, e.g. "
            + "stage3 (default: the last stage).")
    String stage;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "gradcam", description = "Folder for the files "
            + "(default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() {
        List<Path> images = PredictCommand.expand(inputs);
        PrintWriter console = spec.commandLine().getOut();
        Set<String> names = new HashSet<>();
        try (Classifier classifier = bundle.load()) {
            createOut();
            for (Path image : images) {
                Explanation e = explain(classifier, image);
                String name = uniqueName(image, names);
                Path png = out.resolve(name + ".png");
                Path csv = out.resolve(name + ".csv");
                write(png, stream -> ImageIO.write(e.overlay(), "png", stream));
                write(csv, stream -> stream.write(e.csv().getBytes(StandardCharsets.UTF_8)));
                console.printf(Locale.ROOT, "%s%n  %s (p %.2f%%) in %s: %s, %s%n", image, e.label(),
                        100 * e.probability(), e.stage(), png, csv);
            }
        }
        console.flush();
        return 0;
    }

    private Explanation explain(Classifier classifier, Path image) {
        try {
            return classifier.explain(image, className, stage);
        } catch (InvalidImageException e) {
            throw GraftException.usage(e.getMessage());
        }
    }

    /** The image's file name without extension, numbered when another image had the same name. */
    private static String uniqueName(Path image, Set<String> taken) {
        String file = image.getFileName().toString();
        int dot = file.lastIndexOf('.');
        String base = dot > 0 ? file.substring(0, dot) : file;
        String name = base;
        for (int i = 2; !taken.add(name); i++) {
            name = base + "-" + i;
        }
        return name;
    }

    private void createOut() {
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw GraftException.usage("cannot create the output folder " + out + ": " + e.getMessage());
        }
    }

    private static void write(Path file, AtomicFiles.Writer content) {
        try {
            AtomicFiles.write(file, content);
        } catch (IOException e) {
            throw new GraftException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
