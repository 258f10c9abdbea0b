package dev.graft.run;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.AtomicFiles;
import dev.graft.GraftException;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The checkpoint format, in one place for training (writes, resume) and export (reads): a DL4J model zip
 * (parameters, updater state, iteration counts) with three more entries: {@code graft/state.json} (the trainer's
 * state; its {@code completedEpochs} says which epoch the model is from), {@code graft/config.yaml} (the resolved
 * experiment) and {@code graft/labels.json} (the class names). DL4J ignores the extra entries, so any DL4J tool
 * can still load it. Written atomically: an interrupted write never replaces a good checkpoint.
 */
public final class CheckpointFile {
    static final String STATE = "graft/state.json";
    static final String CONFIG = "graft/config.yaml";
    static final String LABELS = "graft/labels.json";
    /** The weight average of {@code train.ema}, laid out as the model's parameters; absent without it. */
    static final String AVERAGE = "graft/ema.bin";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS.mappedFeature());

    private CheckpointFile() {
    }

    /** Graft's entries of a checkpoint. */
    public record Entries(String stateJson, String configYaml, List<String> labels) {
        public Entries {
            labels = List.copyOf(labels);
        }

        /** Epochs the model had completed when the checkpoint was written. */
        public int completedEpochs() {
            try {
                return JSON.readTree(stateJson).path("completedEpochs").asInt();
            } catch (IOException e) {
                throw new GraftException("the checkpoint's " + STATE + " is not JSON: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Writes {@code file} atomically: DL4J's model zip entries ({@link ModelSerializer} reads it back as it reads
     * its own) plus Graft's. The entries are written here rather than by {@code ModelSerializer.writeModel}, whose
     * deflate pass over the parameters took about 3 s per ResNet-50 checkpoint (float parameters shrink by only
     * 13%), and whose zip had to be copied to add Graft's entries; stored entries take a fraction of a second.
     */
    public static void write(Path file, ComputationGraph model, boolean withUpdater, Entries entries) {
        write(file, model, withUpdater, entries, null);
    }

    /**
     * Writes {@code file} as {@link #write(Path, ComputationGraph, boolean, Entries)} does, plus the weight average
     * {@code average} (same layout as {@code model.params()}) when not null: the model entries keep the raw weights
     * a resumed run continues from; {@link #readInferenceModel} predicts with the average.
     */
    public static void write(Path file, ComputationGraph model, boolean withUpdater, Entries entries,
                             INDArray average) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            AtomicFiles.write(file, out -> {
                // Plain ZipOutputStream entries, like DL4J's own (its reader rejects zipfs-written ones).
                ZipOutputStream zip = new ZipOutputStream(out);
                zip.setLevel(Deflater.NO_COMPRESSION);
                put(zip, ModelSerializer.CONFIGURATION_JSON, model.getConfiguration().toJson());
                putArray(zip, ModelSerializer.COEFFICIENTS_BIN, model.params());
                INDArray updaterState = withUpdater && model.getUpdater() != null
                        ? model.getUpdater().getStateViewArray() : null;
                if (updaterState != null && updaterState.length() > 0) {
                    putArray(zip, ModelSerializer.UPDATER_BIN, updaterState);
                }
                if (average != null) {
                    putArray(zip, AVERAGE, average);
                }
                put(zip, STATE, entries.stateJson());
                put(zip, CONFIG, entries.configYaml());
                put(zip, LABELS, JSON.writeValueAsString(entries.labels()));
                zip.finish();
            });
        } catch (IOException e) {
            throw new GraftException("cannot write checkpoint " + file + ": " + e + "; the previous checkpoint is kept",
                    e);
        }
    }

    /**
     * Graft's entries of {@code file} (labels from {@code graft/labels.json}, or from the state of checkpoints
     * written before that entry existed).
     *
     * @throws GraftException (usage) when {@code file} is missing or not a Graft checkpoint
     */
    public static Entries readEntries(Path file) {
        if (!Files.isRegularFile(file)) {
            throw GraftException.usage("no such checkpoint: " + file);
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String state = entry(zip, STATE);
            String config = entry(zip, CONFIG);
            if (state == null || config == null) {
                throw GraftException.usage(file + " is not a Graft checkpoint (no " + STATE + " or " + CONFIG + ")");
            }
            String labels = entry(zip, LABELS);
            List<String> names = labels != null ? JSON.readValue(labels, new TypeReference<List<String>>() { })
                    : JSON.convertValue(JSON.readTree(state).path("classes"), new TypeReference<List<String>>() { });
            return new Entries(state, config, names);
        } catch (IOException e) {
            throw new GraftException("cannot read checkpoint " + file + " (" + e.getMessage()
                    + "); is it a Graft checkpoint, completely written?", e);
        }
    }

    /** The DL4J model of {@code file}, with its optimizer state when {@code withUpdater}. */
    public static ComputationGraph readModel(Path file, boolean withUpdater) {
        try {
            return ModelSerializer.restoreComputationGraph(file.toFile(), withUpdater);
        } catch (IOException e) {
            throw new GraftException("cannot load the model in " + file + " (" + e.getMessage() + "); is it a "
                    + "complete checkpoint written by this Graft version?", e);
        }
    }

    /** The weight average of {@code file} (see {@link #AVERAGE}), or null when the run kept none. */
    public static INDArray readAverage(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry entry = zip.getEntry(AVERAGE);
            if (entry == null) {
                return null;
            }
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(zip.getInputStream(entry)))) {
                return Nd4j.read(in);
            }
        } catch (IOException e) {
            throw new GraftException("cannot read the weight average in " + file + " (" + e.getMessage() + "); is it "
                    + "a complete checkpoint written by this Graft version?", e);
        }
    }

    /**
     * The model of {@code file} to predict with: its weight average ({@code train.ema}) when it has one, else its
     * weights; without optimizer state.
     */
    public static ComputationGraph readInferenceModel(Path file) {
        ComputationGraph model = readModel(file, false);
        INDArray average = readAverage(file);
        if (average != null) {
            model.params().assign(average.reshape(model.params().shape()));
        }
        return model;
    }

    private static void putArray(ZipOutputStream zip, String name, INDArray array) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        DataOutputStream data = new DataOutputStream(new BufferedOutputStream(zip, 1 << 20));
        Nd4j.write(array, data);
        data.flush();
        zip.closeEntry();
    }

    private static void put(ZipOutputStream zip, String name, String content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }

    private static String entry(ZipFile zip, String name) throws IOException {
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) {
            return null;
        }
        try (InputStream in = zip.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
