package dev.graft.data;

import dev.graft.config.ConfigLoader;
import dev.graft.config.ExperimentConfig;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's Java example (Graft's reader and transforms from a config, fed to a plain DL4J
 * {@code ComputationGraph.fit}) runs as written: the code between the markers below is the README's, character
 * for character.
 */
class ReadmeDataVecExampleTest {
    private static final String BEGIN = "// readme-example:begin";
    private static final String END = "// readme-example:end";
    private static final String README_BEGIN = "<!-- datavec-example:begin -->";
    private static final String README_END = "<!-- datavec-example:end -->";

    @TempDir
    Path dir;

    // readme-example:begin
    /** Trains a small DL4J graph for two epochs on the images and augmentation of {@code configFile}. */
    static ComputationGraph trainOnGraftData(Path configFile) {
        ExperimentConfig config = new ConfigLoader().load(configFile);
        try (DataPipeline data = DataPipeline.open(config.data(), config.head().problem(), config.seed(),
                config.imageSize(), Normalization.IMAGENET)) {
            GraftRecordReader reader = GraftRecordReader.train(data, 0); // Graft's sampler order + seeded augmentation
            DataSetIterator train = reader.dataSetIterator(config.train().batchSize()); // RecordReaderDataSetIterator
            int size = config.imageSize();
            ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder()
                    .updater(new Adam(1e-3)).graphBuilder()
                    .addInputs("image").setInputTypes(InputType.convolutional(size, size, 3))
                    .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(8).activation(Activation.RELU).build(),
                            "image")
                    .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "conv")
                    .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nOut(data.classes().size())
                            .activation(Activation.SOFTMAX).build(), "pool")
                    .setOutputs("out").build());
            net.init();
            net.fit(train, 2); // DL4J resets the iterator between epochs: the reader moves on to epoch 1
            return net;
        }
    }
    // readme-example:end

    @Test
    void theReadmeExampleTrainsAPlainComputationGraphOnGraftsReader() throws IOException {
        TestImages.classFolders(dir.resolve("images"), 20, 5, 5);
        Path config = dir.resolve("tiny.yaml");
        Files.writeString(config, "name: tiny\nseed: 1\nbackbone: {arch: resnet20_cifar, weights: none}\n"
                + "data:\n  root: images\n  split: {val: 0.2}\n  image_size: 16\n  augment: [hflip, {rotate: 10}]\n"
                + "train: {batch_size: 3}\n");
        ComputationGraph net = trainOnGraftData(config);
        assertEquals(2, net.getConfiguration().getEpochCount(), "two epochs ran");
        assertEquals(2 * 3, net.getConfiguration().getIterationCount(), "8 training images in batches of 3, twice");
        assertTrue(Double.isFinite(net.score()), "a finite loss");
    }

    @Test
    void theReadmeShowsExactlyThisCode() throws IOException {
        String source = Files.readString(Path.of("src/test/java/dev/graft/data/ReadmeDataVecExampleTest.java"));
        String code = source.substring(source.lastIndexOf(BEGIN) + BEGIN.length(), source.lastIndexOf(END));
        String readme = Files.readString(Path.of("README.md"));
        int begin = readme.indexOf(README_BEGIN);
        int end = readme.indexOf(README_END);
        assertTrue(begin >= 0 && end > begin, "README.md must hold the DataVec example between its markers");
        String shown = readme.substring(begin + README_BEGIN.length(), end);
        assertEquals(outdent(code), outdent(shown.replace("```java", "").replace("```", "")),
                "README's DataVec example differs from the tested code in ReadmeDataVecExampleTest");
    }

    /** The lines without blank ones, with the common leading indentation removed. */
    private static String outdent(String block) {
        java.util.List<String> lines = block.lines().filter(l -> !l.isBlank()).toList();
        int indent = lines.stream().mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return String.join("\n", lines.stream().map(l -> l.substring(indent).stripTrailing()).toList());
    }
}
