package dev.graft.testing;

import dev.graft.config.ConfigLoader;
import dev.graft.config.ExperimentConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The tiny experiment file the training tests share: a CIFAR ResNet-20 from scratch at 24 px with a small head,
 * augmentation, AdamW, a cosine schedule and label smoothing, on {@code dir/colours} (see {@link ColourFolders});
 * each test changes what it needs with {@code --set}-style overrides.
 */
public final class TinyExperiments {
    private TinyExperiments() {
    }

    /** Writes {@code dir/name.yaml} for {@code epochs} epochs and loads it with {@code overrides}. */
    public static ExperimentConfig config(Path dir, String name, int epochs, String... overrides) throws IOException {
        return new ConfigLoader().load(file(dir, name, epochs), List.of(overrides));
    }

    /** Writes {@code dir/name.yaml} (data in {@code dir/colours}) for {@code epochs} epochs; returns its path. */
    public static Path file(Path dir, String name, int epochs) throws IOException {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, """
                name: %s
                seed: 3
                backbone: {arch: resnet20_cifar, weights: none}
                head: {hidden: [16], dropout: 0.2}
                data:
                  root: colours
                  split: {val: 0.25}
                  image_size: 24
                  augment: [hflip, {random_crop: 2}]
                  workers: 2
                train:
                  epochs: %d
                  batch_size: 8
                  optimizer: {type: adamw, lr: 3.0e-3}
                  schedule: {type: cosine}
                  label_smoothing: 0.1
                """.formatted(name, epochs));
        return file;
    }
}
