package dev.graft.run;

import dev.graft.GraftException;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one checkpoint format that training writes and export reads. */
class CheckpointFileTest {
    @TempDir
    Path dir;

    private static ComputationGraph tinyModel() {
        ComputationGraph model = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(3).updater(new Adam())
                .graphBuilder().addInputs("in")
                .addLayer("dense", new DenseLayer.Builder().nIn(4).nOut(3).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(3).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "dense")
                .setOutputs("out").build());
        model.init();
        return model;
    }

    @Test
    void graftEntriesAndTheModelReadBackAndDl4jStillLoadsIt() throws IOException {
        ComputationGraph model = tinyModel();
        Path file = dir.resolve("checkpoints/last.zip");
        CheckpointFile.write(file, model, true, new CheckpointFile.Entries(
                "{\"completedEpochs\":3,\"earlyStoppingBest\":\"NaN\"}", "name: demo\n", List.of("cat", "dog")));

        CheckpointFile.Entries entries = CheckpointFile.readEntries(file);
        assertEquals(List.of("cat", "dog"), entries.labels());
        assertEquals("name: demo\n", entries.configYaml());
        assertEquals(3, entries.completedEpochs());
        assertEquals(model.params(), CheckpointFile.readModel(file, true).params());
        assertEquals(model.params(), ModelSerializer.restoreComputationGraph(file.toFile(), false).params(),
                "a plain DL4J model zip");
    }

    @Test
    void labelsOfOlderCheckpointsComeFromTheirState() throws IOException {
        Path file = dir.resolve("old.zip");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry(CheckpointFile.STATE));
            zip.write("{\"classes\":[\"a\",\"b\"],\"completedEpochs\":1}".getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry(CheckpointFile.CONFIG));
            zip.write("name: old\n".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(List.of("a", "b"), CheckpointFile.readEntries(file).labels());
    }

    @Test
    void aPlainDl4jZipIsNotAGraftCheckpoint() throws IOException {
        Path file = dir.resolve("plain.zip");
        ModelSerializer.writeModel(tinyModel(), file.toFile(), false);
        GraftException notGraft = assertThrows(GraftException.class, () -> CheckpointFile.readEntries(file));
        assertEquals(GraftException.USAGE, notGraft.exitCode());
        assertTrue(notGraft.getMessage().contains(file + " is not a Graft checkpoint"), notGraft.getMessage());
    }

    @Test
    void aDamagedFileIsNamedAndKeepsItsCause() throws IOException {
        Path file = dir.resolve("damaged.zip");
        Files.writeString(file, "not a zip at all");
        GraftException e = assertThrows(GraftException.class, () -> CheckpointFile.readEntries(file));
        assertTrue(e.getMessage().startsWith("cannot read checkpoint " + file), e.getMessage());
        assertInstanceOf(ZipException.class, e.getCause());
        GraftException missing = assertThrows(GraftException.class,
                () -> CheckpointFile.readEntries(dir.resolve("nope.zip")));
        assertEquals(GraftException.USAGE, missing.exitCode());
    }
}
