package dev.graft.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.GraftException;
import dev.graft.run.CheckpointFile;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;

/**
 * Training's checkpoints: the model with its {@link TrainState} and resolved config, in the format
 * {@link CheckpointFile} defines (the one {@code graft export} reads too).
 */
public final class Checkpoints {
    // NaN stands for "not measured yet" (e.g. no best value before the first epoch).
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS.mappedFeature());

    private Checkpoints() {
    }

    /**
     * A checkpoint read back: the raw model (with optimizer state, what a resumed run continues) and the weight
     * average of {@code train.ema} (null without it).
     */
    public record Loaded(ComputationGraph model, TrainState state, String configYaml, INDArray average) {
        public Loaded(ComputationGraph model, TrainState state, String configYaml) {
            this(model, state, configYaml, null);
        }

        /** The model to predict with: its parameters replaced by the weight average when there is one. */
        public ComputationGraph inferenceModel() {
            if (average != null) {
                model.params().assign(average.reshape(model.params().shape()));
            }
            return model;
        }
    }

    /** Writes {@code file} atomically, with the optimizer state when {@code withUpdater}. */
    public static void write(Path file, ComputationGraph model, TrainState state, String configYaml,
                             boolean withUpdater) {
        write(file, model, state, configYaml, withUpdater, null);
    }

    /** Writes {@code file} atomically, with the weight average {@code average} when not null. */
    public static void write(Path file, ComputationGraph model, TrainState state, String configYaml,
                             boolean withUpdater, INDArray average) {
        String stateJson;
        try {
            stateJson = JSON.writeValueAsString(state);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the training state", e); // a bug, not the user's
        }
        CheckpointFile.write(file, model, withUpdater, new CheckpointFile.Entries(stateJson, configYaml,
                state.classes()), average);
    }

    /** The model (with optimizer state), training state and config of {@code file}. */
    public static Loaded read(Path file) {
        CheckpointFile.Entries entries = CheckpointFile.readEntries(file);
        TrainState state;
        try {
            state = JSON.readValue(entries.stateJson(), TrainState.class);
        } catch (JsonProcessingException e) {
            throw new GraftException("cannot read the training state in " + file + " (" + e.getOriginalMessage()
                    + "); is it a checkpoint written by this Graft version?", e);
        }
        return new Loaded(CheckpointFile.readModel(file, true), state, entries.configYaml(),
                CheckpointFile.readAverage(file));
    }
}
