package dev.graft.cli;

import dev.graft.AtomicFiles;
import dev.graft.GraftException;
import dev.graft.config.HeadConfig;
import dev.graft.export.BundleManifest;
import dev.graft.export.Classifier;
import dev.graft.export.InvalidImageException;
import dev.graft.export.LabelScore;
import dev.graft.export.Prediction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** {@code graft predict}: classify image files and folders with an exported bundle. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Classify images with an exported bundle (see 'graft export').",
                "Images are preprocessed exactly as in training's evaluation; folders are searched recursively "
                        + "for image files. A bundle with a decision threshold (binary tasks) also prints the "
                        + "decided class; --csv then has the columns decision and p_<positive class>.",
                "A multi-label bundle prints each label's probability and the labels at or above their thresholds "
                        + "(--csv: path,p_<label>...,labels with labels joined by |); a regression bundle the value "
                        + "(--csv: path,<target>)."})
final class PredictCommand implements Callable<Integer> {
    private static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "tif", "tiff", "webp", "pbm",
            "pgm", "ppm", "pnm", "jp2", "gif");

    @Spec
    CommandSpec spec;

    @Mixin
    BundleOptions bundle;

    @Parameters(arity = "1..*", paramLabel = "IMAGE|DIR", description = "Image files or folders of images.")
    List<Path> inputs;

    @Option(names = "--top", paramLabel = "K", defaultValue = "3", description = "Classes shown per image "
            + "(default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--csv", paramLabel = "FILE", description = "Also write the predictions as CSV.")
    Path csv;

    @Override
    public Integer call() {
        if (top < 1) {
            throw GraftException.usage("--top must be >= 1 (was " + top + ")");
        }
        List<Path> images = expand(inputs);
        PrintWriter out = spec.commandLine().getOut();
        List<String> rows = new ArrayList<>();
        int failed = 0;
        try (Classifier classifier = bundle.load()) {
            HeadConfig.Problem problem = classifier.problem();
            int k = Math.min(top, classifier.labels().size());
            Optional<BundleManifest.Threshold> rule = classifier.decisionThreshold();
            rule.ifPresent(d -> out.printf(Locale.ROOT, "decision: %s when its probability >= %.6f (%s)%n",
                    d.positiveClass(), d.threshold(), d.operatingPoint()));
            if (problem == HeadConfig.Problem.MULTI_LABEL) {
                out.printf(Locale.ROOT, "labels present when their probability >= %s%n", classifier.labelThresholds()
                        .entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.4f", e.getKey(), e.getValue()))
                        .collect(Collectors.joining(", ")));
            }
            int emptyCells = switch (problem) {
                case SINGLE_LABEL -> 2 + 2 * k + (rule.isPresent() ? 2 : 0);
                case MULTI_LABEL -> classifier.labels().size() + 1;
                case REGRESSION -> 1;
            };
            for (int from = 0; from < images.size(); from += Classifier.MAX_BATCH) {
                List<Path> batch = images.subList(from, Math.min(images.size(), from + Classifier.MAX_BATCH));
                List<Object> predictions = predict(classifier, batch);
                for (int i = 0; i < batch.size(); i++) {
                    String path = batch.get(i).toString();
                    if (!(predictions.get(i) instanceof Prediction p)) {
                        failed++;
                        rows.add(csv(path) + ",".repeat(1 + emptyCells) + csv((String) predictions.get(i)));
                        out.printf("%s%n  error: %s%n", path, predictions.get(i));
                        continue;
                    }
                    out.println(path);
                    rows.add(switch (problem) {
                        case SINGLE_LABEL -> report(out, path, p, k);
                        case MULTI_LABEL -> reportLabels(out, path, p);
                        case REGRESSION -> reportValue(out, path, p);
                    });
                }
            }
            if (csv != null) {
                writeCsv(header(problem, classifier.labels(), k, rule), rows);
                out.printf("predictions: %s%n", csv);
            }
        }
        out.flush();
        if (failed > 0) {
            throw new GraftException(failed + " of " + images.size() + " images could not be read (see above)");
        }
        return 0;
    }

    /**
     * Prints one image's top {@code k} classes (and decision) and returns its CSV row: path, predicted,
     * probability, [decision, p_positive,] top1, p1, ..., and an empty error cell.
     */
    private static String report(PrintWriter out, String path, Prediction p, int k) {
        StringBuilder row = new StringBuilder(csv(path)).append(',').append(csv(p.label()))
                .append(String.format(Locale.ROOT, ",%.6f", p.probability()));
        p.decision().ifPresent(d -> row.append(',').append(csv(d.label()))
                .append(String.format(Locale.ROOT, ",%.6f", d.positiveProbability())));
        for (LabelScore s : p.top(k)) {
            out.printf(Locale.ROOT, "  %-24s %6.2f%%%n", s.label(), 100 * s.probability());
            row.append(',').append(csv(s.label())).append(String.format(Locale.ROOT, ",%.6f", s.probability()));
        }
        p.decision().ifPresent(d -> out.printf(Locale.ROOT, "  decision: %s (p(%s) %.2f%% %s threshold %.2f%%)%n",
                d.label(), d.positiveClass(), 100 * d.positiveProbability(), d.positive() ? ">=" : "<",
                100 * d.threshold()));
        return row.append(',').toString();
    }

    /** For each image of a batch its {@link Prediction}, or the message saying why it cannot be read. */
    private static List<Object> predict(Classifier classifier, List<Path> batch) {
        try {
            return new ArrayList<>(classifier.predictFiles(batch));
        } catch (InvalidImageException e) {
            List<Object> one = new ArrayList<>();
            for (Path image : batch) {
                try {
                    one.add(classifier.predict(image));
                } catch (InvalidImageException bad) {
                    one.add(bad.getMessage());
                }
            }
            return one;
        }
    }

    /**
     * The CSV header: single-label {@code path,predicted,probability[,decision,p_<positive>],top1,p1,...}; multi-label
     * {@code path,p_<label>...,labels}; regression {@code path,<target>}; each followed by {@code error}.
     */
    private static String header(HeadConfig.Problem problem, List<String> labels, int k,
                                 Optional<BundleManifest.Threshold> rule) {
        StringBuilder text = new StringBuilder("path");
        switch (problem) {
            case SINGLE_LABEL -> {
                text.append(",predicted,probability");
                rule.ifPresent(d -> text.append(",decision,").append(csv("p_" + d.positiveClass())));
                for (int i = 1; i <= k; i++) {
                    text.append(",top").append(i).append(",p").append(i);
                }
            }
            case MULTI_LABEL -> {
                labels.forEach(l -> text.append(',').append(csv("p_" + l)));
                text.append(",labels");
            }
            case REGRESSION -> text.append(',').append(csv(labels.get(0)));
        }
        return text.append(",error\n").toString();
    }

    /**
     * Prints a multi-label image's labels (present ones marked) and returns its CSV row: path, each label's
     * probability, the present labels joined with {@code |}, and an empty error cell.
     */
    private static String reportLabels(PrintWriter out, String path, Prediction p) {
        StringBuilder row = new StringBuilder(csv(path));
        float[] probabilities = p.probabilities();
        List<String> present = p.present().stream().map(LabelScore::label).toList();
        for (int j = 0; j < probabilities.length; j++) {
            String label = p.labels().get(j);
            out.printf(Locale.ROOT, "  %-24s %6.2f%%%s%n", label, 100 * probabilities[j],
                    present.contains(label) ? "  present" : "");
            row.append(String.format(Locale.ROOT, ",%.6f", probabilities[j]));
        }
        out.printf("  labels: %s%n", present.isEmpty() ? "(none)" : String.join("|", present));
        return row.append(',').append(csv(String.join("|", present))).append(',').toString();
    }

    /** Prints a regression image's value and returns its CSV row: path, value and an empty error cell. */
    private static String reportValue(PrintWriter out, String path, Prediction p) {
        out.printf(Locale.ROOT, "  %s: %.6g%n", p.labels().get(0), p.value());
        return csv(path) + String.format(Locale.ROOT, ",%.6g,", p.value());
    }

    private void writeCsv(String header, List<String> rows) {
        StringBuilder text = new StringBuilder(header);
        rows.forEach(r -> text.append(r).append('\n'));
        try {
            AtomicFiles.writeString(csv, text.toString());
        } catch (IOException e) {
            throw new GraftException("cannot write " + csv + ": " + e.getMessage(), e);
        }
    }

    /** Files as given; folders walked for files with an image extension, sorted. */
    static List<Path> expand(List<Path> inputs) {
        List<Path> images = new ArrayList<>();
        for (Path input : inputs) {
            if (Files.isDirectory(input)) {
                try (Stream<Path> walk = Files.walk(input)) {
                    walk.filter(Files::isRegularFile).filter(PredictCommand::looksLikeImage).sorted()
                            .forEach(images::add);
                } catch (IOException e) {
                    throw new GraftException("cannot list " + input + ": " + e.getMessage(), e);
                }
            } else if (Files.isRegularFile(input)) {
                images.add(input);
            } else {
                throw GraftException.usage("no such image file or folder: " + input);
            }
        }
        if (images.isEmpty()) {
            throw GraftException.usage("no image files in " + inputs + " (looked for " + EXTENSIONS + ")");
        }
        return images;
    }

    private static boolean looksLikeImage(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
