package dev.graft.export;

import dev.graft.backbone.BackboneLoader;
import dev.graft.config.ConfigLoader;
import dev.graft.config.ExperimentConfig;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One real training run for the export and serve tests: a CIFAR ResNet-20 (from random weights, stem frozen) with a
 * hidden GELU head layer and dropout, trained for four epochs on 3 colour classes (16 px PNGs), then exported with both formats and
 * a zip. Built once per test JVM on first use (about 30 s on 2 cores) and deleted when the JVM exits.
 */
public final class TrainedFixture {
    private static TrainedFixture instance;

    /** The run folder of {@code graft train}. */
    public final Path run;
    /** Labelled images, one folder per colour. */
    public final Path images;
    /** The exported bundle folder ({@code RUN/export}). */
    public final Path bundle;
    /** The same bundle as a zip. */
    public final Path zip;
    /** What the exporter reported. */
    public final BundleExporter.Result export;

    private TrainedFixture(Path root) throws IOException {
        images = ColourFolders.colourFolders(root.resolve("colours"), 12, 16, 5);
        Path yaml = root.resolve("colours.yaml");
        Files.writeString(yaml, """
                name: colours
                seed: 5
                backbone: {arch: resnet20_cifar, weights: none, freeze: [stem]}
                head: {hidden: [8], dropout: 0.2, activation: gelu}
                data:
                  root: colours
                  split: {val: 0.25}
                  image_size: 16
                  augment: [hflip]
                  workers: 2
                train:
                  epochs: 4
                  batch_size: 9
                  optimizer: {type: adamw, lr: 3.0e-3}
                  schedule: {type: constant}
                export: {formats: [dl4j, onnx], zip: true}
                """);
        ExperimentConfig config = new ConfigLoader().load(yaml, List.of());
        TrainResult result;
        try (RunDirectory dir = RunDirectory.create(root.resolve("experiments"), config,
                Provenance.collect("test", config.seed(), "graft train --config colours.yaml", Map.of()),
                LocalDateTime.now())) {
            result = new Trainer(config, dir, new StopSignal(), BackboneLoader.standard()).train(null);
        }
        if (result.status() != TrainResult.Status.COMPLETED) {
            throw new IllegalStateException("fixture training failed: " + result.message());
        }
        run = result.runDirectory();
        export = new BundleExporter("test").afterTraining(run).orElseThrow();
        bundle = export.folder();
        zip = export.zip();
    }

    /** The shared fixture, trained on first use. */
    public static synchronized TrainedFixture get() {
        if (instance == null) {
            try {
                Path root = Files.createTempDirectory("graft-export-fixture");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(root)));
                instance = new TrainedFixture(root);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    /** Every image of the fixture, sorted. */
    public List<Path> allImages() {
        try (Stream<Path> s = Files.walk(images)) {
            return s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort at exit
        }
    }
}
