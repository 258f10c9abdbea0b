package dev.graft.export;

import dev.graft.backbone.BackboneLoader;
import dev.graft.config.ConfigLoader;
import dev.graft.config.ExperimentConfig;
import dev.graft.config.ExportConfig;
import dev.graft.metrics.DecisionRule;
import dev.graft.run.CheckpointFile;
import dev.graft.run.Provenance;
import dev.graft.run.RunDirectory;
import dev.graft.testing.ColourFolders;
import dev.graft.train.StopSignal;
import dev.graft.train.TrainResult;
import dev.graft.train.Trainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A real binary training run for the decision-threshold and calibration tests: a head (one hidden layer with batch
 * norm) trained for six epochs on a frozen random-weight CIFAR ResNet-20 to tell green from red 16 px PNGs
 * (positive class {@code red}, the second in label order), plus the uncalibrated probabilities its best checkpoint
 * gives every image. The model is no good (the frozen random features barely separate the colours), but its
 * probabilities differ from image to image and are far from 0 and 1, which is what calibration and threshold
 * tests need. Built once per test JVM on first use (about 10 s) and deleted when the JVM exits. Tests write
 * {@code decision.json} into copies of the run ({@link #runWith}), never into the run itself.
 */
public final class BinaryFixture {
    /** The classes in label order. */
    public static final List<String> LABELS = List.of("green", "red");
    /** The positive class's index. */
    public static final int POSITIVE = 1;

    private static BinaryFixture instance;

    private final Path root;
    /** The run folder of {@code graft train}. */
    public final Path run;
    /** Every image, sorted. */
    public final List<Path> images;
    /** Epochs completed by {@code checkpoints/best.zip}, what a {@code decision.json} for it names. */
    public final int epoch;
    /** A bundle of the best checkpoint without calibration or decision (DL4J and ONNX). */
    public final Path plainBundle;
    /** {@link #images}' probabilities from {@link #plainBundle} (DL4J), one row per image. */
    public final List<float[]> plainProbabilities;

    private BinaryFixture(Path root) throws IOException {
        this.root = root;
        Path data = ColourFolders.colourFolders(root.resolve("colours"), 10, 16, 11);
        deleteTree(data.resolve("blue"));
        Path yaml = root.resolve("binary.yaml");
        Files.writeString(yaml, """
                name: binary
                seed: 3
                backbone: {arch: resnet20_cifar, weights: none, freeze: all}
                head: {hidden: [8], batch_norm: true}
                data:
                  root: colours
                  split: {val: 0.3}
                  image_size: 16
                  workers: 2
                train:
                  epochs: 6
                  batch_size: 4
                  optimizer: {type: adamw, lr: 1.0e-2}
                  schedule: {type: constant}
                """);
        ExperimentConfig config = new ConfigLoader().load(yaml, List.of());
        TrainResult result;
        try (RunDirectory dir = RunDirectory.create(root.resolve("experiments"), config,
                Provenance.collect("test", config.seed(), "graft train --config binary.yaml", Map.of()),
                LocalDateTime.now())) {
            result = new Trainer(config, dir, new StopSignal(), BackboneLoader.standard()).train(null);
        }
        if (result.status() != TrainResult.Status.COMPLETED) {
            throw new IllegalStateException("fixture training failed: " + result.message());
        }
        run = result.runDirectory();
        try (Stream<Path> s = Files.walk(data)) {
            images = s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
        epoch = CheckpointFile.readEntries(run.resolve("checkpoints/best.zip")).completedEpochs();
        plainBundle = export(runWith(null), root.resolve("plain")).folder();
        try (Classifier classifier = Classifier.load(plainBundle)) {
            List<float[]> rows = new ArrayList<>();
            classifier.predictFiles(images).forEach(p -> rows.add(p.probabilities()));
            plainProbabilities = List.copyOf(rows);
        }
    }

    /** The shared fixture, trained on first use. */
    public static synchronized BinaryFixture get() {
        if (instance == null) {
            try {
                Path root = Files.createTempDirectory("graft-binary-fixture");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(root)));
                instance = new BinaryFixture(root);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    /**
     * A fresh copy of the run folder with {@code rule} as its {@code decision.json} (none when null), as training
     * leaves it; whatever decision.json the run itself has is replaced.
     */
    public Path runWith(DecisionRule rule) {
        try {
            Path copy = Files.createTempDirectory(root, "run-");
            try (Stream<Path> s = Files.walk(run)) {
                for (Path p : s.toList()) {
                    Path target = copy.resolve(run.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(p, target);
                    }
                }
            }
            Files.deleteIfExists(copy.resolve(DecisionRule.FILE));
            if (rule != null) {
                Files.writeString(copy.resolve(DecisionRule.FILE), rule.toJson());
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Exports {@code run}'s best checkpoint with both formats to {@code out}. */
    public static BundleExporter.Result export(Path run, Path out) {
        return new BundleExporter("test").export(new BundleExporter.Request(run, ExportConfig.Which.BEST,
                Set.of(ExportConfig.Format.DL4J, ExportConfig.Format.ONNX), out, false));
    }

    /** A rule for the best checkpoint: {@code temperature} and a threshold on {@code red}'s probability. */
    public DecisionRule rule(double temperature, double threshold) {
        return new DecisionRule(epoch, temperature, LABELS.get(POSITIVE), POSITIVE, threshold,
                "{threshold: " + threshold + "}");
    }

    /** {@code red}'s probability for every image after {@code temperature}, computed from the plain bundle. */
    public double[] calibratedPositive(double temperature) {
        DecisionRule rule = rule(temperature, 0.5);
        double[] positive = new double[images.size()];
        for (int i = 0; i < positive.length; i++) {
            float[] p = plainProbabilities.get(i);
            positive[i] = rule.calibrate(new double[] {p[0], p[1]})[POSITIVE];
        }
        return positive;
    }

    /**
     * Two images and a threshold halfway between their calibrated positive probabilities, both on the same side
     * of 0.5, so that the threshold calls one of them differently from its most probable class.
     */
    public record Split(Path below, Path above, double threshold) {
    }

    /**
     * The {@link Split} for {@code temperature}: the two most probably red images, or when only one image is red
     * by argmax, the two least probably red ones.
     */
    public Split split(double temperature) {
        double[] positive = calibratedPositive(temperature);
        Integer[] order = new Integer[positive.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> -positive[i]));
        int n = order.length;
        boolean topTwo = positive[order[1]] >= 0.5 || positive[order[0]] < 0.5;
        int above = topTwo ? order[0] : order[n - 2];
        int below = topTwo ? order[1] : order[n - 1];
        if (positive[above] - positive[below] < 1e-4) {
            throw new IllegalStateException("two images score too alike to put a threshold between them: "
                    + positive[above] + ", " + positive[below]);
        }
        return new Split(images.get(below), images.get(above), (positive[above] + positive[below]) / 2);
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
