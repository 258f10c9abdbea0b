package dev.graft.data;

import dev.graft.config.DataConfig;
import dev.graft.config.HeadConfig.Problem;
import org.datavec.api.records.Record;
import org.datavec.api.writable.DoubleWritable;
import org.datavec.api.writable.IntWritable;
import org.datavec.api.writable.NDArrayWritable;
import org.datavec.api.writable.Writable;
import org.deeplearning4j.datasets.datavec.RecordReaderDataSetIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Graft's layouts as a DataVec RecordReader (issue 20): DL4J's RecordReaderDataSetIterator over it gives Graft's
 * own batches, for every head and whatever the thread count.
 */
class GraftRecordReaderTest {
    private static final String OPS = "  augment: [random_resized_crop, hflip, {rotate: 20},"
            + " {color_jitter: {brightness: 0.3}}, {grayscale: 0.3}]\n";

    @TempDir
    Path dir;

    private DataConfig folders(String extra) throws IOException {
        TestImages.classFolders(dir.resolve("train"), 20, 5, 4);
        TestImages.classFolders(dir.resolve("val"), 20, 2, 3);
        return TestImages.data(dir, "  train: train\n  val: val\n  image_size: 16\n" + OPS + extra);
    }

    /** Every batch's features, labels and labels mask (null: none), as arrays. */
    private static List<float[]> epoch(DataSetIterator it) {
        List<float[]> out = new ArrayList<>();
        while (it.hasNext()) {
            DataSet ds = it.next();
            out.add(ds.getFeatures().dup().data().asFloat());
            out.add(ds.getLabels().dup().data().asFloat());
            out.add(ds.getLabelsMaskArray() == null ? null : ds.getLabelsMaskArray().dup().data().asFloat());
        }
        return out;
    }

    private static void assertSame(List<float[]> expected, List<float[]> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": arrays");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), what + ": array " + i);
        }
    }

    @Test
    void recordReaderDataSetIteratorGivesGraftsBatchesForTwoEpochsAndAnyThreadCount() throws IOException {
        DataConfig data = folders("  workers: 1\n  prefetch: 1\n");
        List<float[]> first;
        List<float[]> second;
        List<float[]> val;
        try (DataPipeline p = DataPipeline.open(data, 9, 16, Normalization.IMAGENET)) {
            ImageBatchIterator graft = p.train(4);
            first = epoch(graft);
            graft.reset();
            second = epoch(graft);
            val = epoch(p.eval(Split.VAL, 4));
        }
        DataConfig threeWorkers = TestImages.data(dir, "  train: train\n  val: val\n  image_size: 16\n" + OPS
                + "  workers: 3\n  prefetch: 2\n");
        try (DataPipeline p = DataPipeline.open(threeWorkers, 9, 16, Normalization.IMAGENET)) {
            RecordReaderDataSetIterator dataVec = GraftRecordReader.train(p, 0).dataSetIterator(4);
            assertSame(first, epoch(dataVec), "epoch 0");
            dataVec.reset();
            assertSame(second, epoch(dataVec), "epoch 1 (new order and augmentations after a reset)");
            assertSame(val, epoch(GraftRecordReader.eval(p, Split.VAL).dataSetIterator(4)), "val");
        }
        assertFalse(java.util.Arrays.equals(first.get(0), second.get(0)), "the epochs differ");
    }

    /** DL4J's fit loop resets its iterator between epochs: the reader then serves the next epoch, not a replay. */
    @Test
    void computationGraphFitMovesTheReaderOnAnEpochPerEpoch() throws IOException {
        try (DataPipeline p = DataPipeline.open(folders(""), 3, 16, Normalization.IMAGENET)) {
            GraftRecordReader reader = GraftRecordReader.train(p, 0);
            var net = new org.deeplearning4j.nn.graph.ComputationGraph(
                    new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().graphBuilder()
                            .addInputs("in")
                            .setInputTypes(org.deeplearning4j.nn.conf.inputs.InputType.convolutional(16, 16, 3))
                            .addLayer("pool", new org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer(), "in")
                            .addLayer("out", new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder().nOut(2)
                                    .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build(), "pool")
                            .setOutputs("out").build());
            net.init();
            net.fit(reader.dataSetIterator(4), 3);
            assertEquals(3 * 3, net.getConfiguration().getIterationCount(), "9 images in batches of 4, 3 epochs");
            assertEquals(2, reader.epoch(), "the third epoch was epoch 2");
        }
    }

    @Test
    void aRecordIsTheImageTensorAndTheClassIndexAndReloadsFromItsMetadata() throws IOException {
        try (DataPipeline p = DataPipeline.open(folders(""), 3, 16, Normalization.IMAGENET)) {
            GraftRecordReader reader = GraftRecordReader.train(p, 2);
            assertEquals(9, reader.epochSize());
            assertEquals(List.of("c0", "c1"), reader.getLabels());
            Record record = reader.nextRecord();
            List<Writable> values = record.getRecord();
            assertEquals(2, values.size());
            NDArrayWritable image = assertInstanceOf(NDArrayWritable.class, values.get(0));
            assertArrayEquals(new long[] {1, 3, 16, 16}, image.get().shape());
            IntWritable label = assertInstanceOf(IntWritable.class, values.get(1));
            GraftRecordReader.Sample meta = assertInstanceOf(GraftRecordReader.Sample.class, record.getMetaData());
            assertEquals(p.dataset().entries(Split.TRAIN).get(meta.ref().index()).label(), label.get());
            assertTrue(meta.getLocation().endsWith(".png"));
            Record again = reader.loadFromMetaData(meta);
            assertEquals(image.get(), ((NDArrayWritable) again.getRecord().get(0)).get(), "same seed, same pixels");
            assertEquals(2, reader.epoch());
            reader.reset();
            assertEquals(2, reader.epoch(), "a reset before the end replays the epoch");
        }
    }

    /** Multi-label: one column per label, NaN where unknown; the iterator masks it as Graft's batches do. */
    @Test
    void multiLabelAndRegressionRecordsGiveGraftsTargetsAndMask() throws IOException {
        StringBuilder csv = new StringBuilder("image,A,B,months\n");
        String[] rows = {"1,-1,10", "0,1,20", "1,,30", "0,0,40", "1,1,50", "0,-1,60", "1,0,70", "0,1,80"};
        for (int i = 0; i < rows.length; i++) {
            TestImages.png(dir.resolve("img/i" + i + ".png"), TestImages.noise(8, 8, i));
            csv.append("i").append(i).append(".png,").append(rows[i]).append('\n');
        }
        Files.writeString(dir.resolve("m.csv"), csv);
        for (Problem problem : List.of(Problem.MULTI_LABEL, Problem.REGRESSION)) {
            String columns = problem == Problem.MULTI_LABEL ? "label_columns: [A, B]" : "label_column: months";
            Files.writeString(dir.resolve("experiment.yaml"), "name: t\nseed: 7\nbackbone: {arch: resnet20_cifar,"
                    + " weights: none}\nhead: {problem: " + problem + "}\ndata:\n  csv: {file: m.csv, images: img, "
                    + columns + "}\n  split: {val: 0.25}\n  augment: [hflip]\n");
            DataConfig data = new dev.graft.config.ConfigLoader().load(dir.resolve("experiment.yaml")).data();
            try (DataPipeline p = DataPipeline.open(data, problem, 1, 8, Normalization.IMAGENET)) {
                List<float[]> expected = epoch(p.train(3));
                GraftRecordReader reader = GraftRecordReader.train(p, 0);
                List<Writable> record = reader.next();
                assertEquals(1 + p.classes().size(), record.size(), problem + ": image + one column per output");
                assertInstanceOf(DoubleWritable.class, record.get(1));
                reader.reset();
                List<float[]> actual = epoch(reader.dataSetIterator(3));
                assertSame(expected, actual, problem.toString());
                boolean masked = false;
                for (int i = 2; i < actual.size(); i += 3) {
                    masked |= actual.get(i) != null;
                }
                assertEquals(problem == Problem.MULTI_LABEL, masked, problem + ": an unknown label is masked");
            }
        }
    }

    @Test
    void aSplitWithoutImagesAndInitializeWithAnInputSplitAreClearErrors() throws IOException {
        try (DataPipeline p = DataPipeline.open(folders(""), 3, 16, Normalization.IMAGENET)) {
            dev.graft.GraftException noTest = assertThrows(dev.graft.GraftException.class,
                    () -> GraftRecordReader.eval(p, Split.TEST));
            assertTrue(noTest.getMessage().contains("no test images (set data.test"), noTest.getMessage());
            GraftRecordReader reader = GraftRecordReader.eval(p, Split.VAL);
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> reader.initialize(new org.datavec.api.split.CollectionInputSplit(List.of())));
            assertNotNull(e.getMessage());
            assertTrue(e.getMessage().contains("GraftRecordReader.train or .eval"), e.getMessage());
        }
    }
}
