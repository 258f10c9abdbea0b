package dev.graft.export;

import dev.graft.config.HeadConfig;
import dev.graft.data.Normalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A bundle in seconds for tests that need a real {@link Classifier} but not a trained one (the HTTP server's limits):
 * a tiny CIFAR-layout classifier with random weights, 16 px inputs and 3 classes, as {@code graft export} lays it out
 * ({@code model.zip}, {@code labels.json}, {@code preprocessing.json}).
 */
public final class TinyBundle {
    /** Side of the model's input. */
    public static final int SIZE = 16;
    /** The bundle's classes. */
    public static final List<String> LABELS = List.of("blue", "green", "red");

    private TinyBundle() {
    }

    /** Writes the bundle into {@code folder} (created) and returns the folder. */
    public static Path write(Path folder) throws IOException {
        Files.createDirectories(folder);
        ComputationGraph model = TinyClassifiers.build(TinyClassifiers.cifar(), SIZE, TinyClassifiers.head(List.of(),
                HeadConfig.Activation.RELU, false), LABELS.size(), List.of(), 7);
        ModelSerializer.writeModel(model, folder.resolve(Bundle.DL4J_MODEL).toFile(), false);
        Bundle.JSON.writeValue(folder.resolve(Bundle.LABELS).toFile(), LABELS);
        Bundle.JSON.writeValue(folder.resolve(Bundle.PREPROCESSING).toFile(), Preprocessing.of(SIZE, 1.0,
                Normalization.NONE));
        return folder;
    }
}
