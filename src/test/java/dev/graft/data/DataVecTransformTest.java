package dev.graft.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.backbone.BackboneLoader;
import dev.graft.config.Augmentation;
import dev.graft.config.ConfigError;
import dev.graft.config.ConfigErrors;
import dev.graft.config.ConfigException;
import dev.graft.config.ConfigLoader;
import dev.graft.config.DataConfig;
import dev.graft.config.DataVecTransform;
import dev.graft.config.ExperimentConfig;
import dev.graft.config.RecordBinder;
import dev.graft.config.YamlFiles;
import dev.graft.run.Provenance;
import dev.graft.run.RunDirectory;
import dev.graft.testing.ColourFolders;
import dev.graft.testing.TinyExperiments;
import dev.graft.train.StopSignal;
import dev.graft.train.TrainResult;
import dev.graft.train.Trainer;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.datavec.image.data.ImageWritable;
import org.datavec.image.transform.ImageTransform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** DataVec image transforms named in {@code data.augment}, and Graft's ops as DataVec transforms (issue 20). */
class DataVecTransformTest {
    private static final String FLIP = "org.datavec.image.transform.FlipImageTransform";
    /** OpenCV's COLOR_BGR2GRAY. */
    private static final int BGR2GRAY = 6;

    @TempDir
    Path dir;

    /** A user's transform whose constructor checks its argument, as DataVec's own do. */
    public static final class NeedsPositiveWidth implements ImageTransform {
        public NeedsPositiveWidth(int width) {
            if (width <= 0) {
                throw new IllegalArgumentException("width must be positive");
            }
        }

        @Override
        public ImageWritable transform(ImageWritable image) {
            return image;
        }

        @Override
        public ImageWritable transform(ImageWritable image, Random random) {
            return image;
        }

        @Override
        public float[] query(float... coordinates) {
            return coordinates;
        }

        @Override
        public ImageWritable getCurrentImage() {
            return null;
        }
    }

    @Test
    void aDataVecColourConversionReachesTheTensorAsThreeEqualChannels() throws IOException {
        TestImages.png(dir.resolve("train/a/x.png"), TestImages.halves(16, 16, 8, 0xFF0000, 0x0000FF));
        TestImages.png(dir.resolve("val/a/x.png"), TestImages.halves(16, 16, 8, 0xFF0000, 0x0000FF));
        DataConfig data = TestImages.data(dir, "  train: train\n  val: val\n  image_size: 16\n  crop_ratio: 1.0\n"
                + "  augment: [{datavec: org.datavec.image.transform.ColorConversionTransform, args: ["
                + BGR2GRAY + "]}]\n");
        Normalization norm = new Normalization(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f});
        try (DataPipeline p = new DataPipeline(ImageDataset.scan(data, 1), data, 1, 16, norm)) {
            INDArray grey = p.train(1).next().getFeatures();
            INDArray colour = p.eval(Split.VAL, 1).next().getFeatures();
            assertNotEquals(colour.getDouble(0, 0, 3, 0), colour.getDouble(0, 2, 3, 0), 1e-6);
            for (int x : new int[] {0, 15}) {
                assertEquals(grey.getDouble(0, 0, 3, x), grey.getDouble(0, 1, 3, x), 1e-6, "R = G at x " + x);
                assertEquals(grey.getDouble(0, 0, 3, x), grey.getDouble(0, 2, 3, x), 1e-6, "R = B at x " + x);
            }
            assertNotEquals(grey.getDouble(0, 0, 3, 0), colour.getDouble(0, 0, 3, 0), 1e-6, "converted to grey");
        }
    }

    private static List<float[]> epoch(DataConfig data, long seed) {
        List<float[]> batches = new ArrayList<>();
        try (DataPipeline p = DataPipeline.open(data, seed, 16, Normalization.IMAGENET)) {
            ImageBatchIterator it = p.train(4);
            while (it.hasNext()) {
                DataSet ds = it.next();
                batches.add(ds.getFeatures().dup().data().asFloat());
            }
        }
        return batches;
    }

    @Test
    void graftAndDataVecStepsInOneListGiveTheSameBatchesWhateverTheThreadCount() throws IOException {
        TestImages.classFolders(dir.resolve("train"), 20, 7, 5);
        TestImages.classFolders(dir.resolve("val"), 20, 3, 2);
        String yaml = "  train: train\n  val: val\n  image_size: 16\n  augment: [{rotate: 10}, {datavec: " + FLIP
                + ", args: [1]}, {random_crop: 2}]\n";
        List<float[]> one = epoch(TestImages.data(dir, yaml + "  workers: 1\n  prefetch: 1\n"), 11);
        List<float[]> three = epoch(TestImages.data(dir, yaml + "  workers: 3\n  prefetch: 2\n"), 11);
        assertEquals(one.size(), three.size());
        for (int i = 0; i < one.size(); i++) {
            assertArrayEquals(one.get(i), three.get(i), "batch " + i);
        }
        List<float[]> otherSeed = epoch(TestImages.data(dir, yaml), 12);
        assertFalse(Arrays.equals(one.get(0), otherSeed.get(0)), "the seed changes the augmentation");
    }

    @Test
    void badDataVecStepsAreConfigErrorsNamingTheListItem() throws IOException {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, """
                name: t
                backbone: {arch: resnet20_cifar, weights: none}
                data:
                  root: images
                  image_size: 16
                  augment:
                    - hflip
                    - {datavec: org.datavec.image.transform.FlipImageTransfrom, args: [1]}
                    - {datavec: java.lang.String}
                    - {datavec: org.datavec.image.transform.FlipImageTransform, args: [sideways]}
                    - {datavec: dev.graft.data.DataVecTransformTest.NeedsPositiveWidth, args: [-3]}
                    - {datavec: FlipImageTransform, argz: [1]}
                """);
        Files.createDirectories(dir.resolve("images/a"));
        ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader().load(file));
        List<String> errors = e.errors().stream().map(ConfigError::toString)
                .filter(s -> s.startsWith("data.augment")).toList();
        assertEquals(List.of(
                "data.augment[1].datavec: no class 'org.datavec.image.transform.FlipImageTransfrom' on the class path"
                        + " (did you mean '" + FLIP + "'?)",
                "data.augment[2].datavec: 'java.lang.String' is not a concrete class implementing "
                        + ImageTransform.class.getName(),
                "data.augment[3].args: no public constructor of FlipImageTransform takes [sideways]"
                        + " (constructors: (); (Random); (int))",
                "data.augment[4].args: dev.graft.data.DataVecTransformTest.NeedsPositiveWidth rejected [-3]:"
                        + " java.lang.IllegalArgumentException: width must be positive",
                "data.augment[5].argz: unknown key (did you mean 'args'?)",
                "data.augment[5].datavec: no class 'FlipImageTransform' on the class path (did you mean '"
                        + FLIP + "'?)"), errors);
    }

    /** Spark executors rebuild {@code data.augment} from the YAML the driver writes, so a step must survive it. */
    @Test
    void aDataVecStepIsWrittenBackAsItWasWritten() {
        JsonNode node = YamlFiles.parseMapping("op: {datavec: " + FLIP + ", args: [1]}", "test").get("op");
        ConfigErrors errors = new ConfigErrors();
        Augmentation step = Augmentation.fromYaml(node, "data.augment[0]", errors, new RecordBinder());
        assertEquals(List.of(), errors.list());
        assertEquals(new DataVecTransform(FLIP, List.of(1L)), step);
        assertEquals("datavec FlipImageTransform", step.op());
        String yaml = YamlFiles.toYaml(Map.of("op", step.yaml()));
        Augmentation again = Augmentation.fromYaml(YamlFiles.parseMapping(yaml, "test").get("op"), "data.augment[0]",
                errors, new RecordBinder());
        assertEquals(List.of(), errors.list());
        assertEquals(step, again);
    }

    @Test
    void aGraftOpAsDataVecTransformDrawsTheSameImageFromTheSameSeed() throws IOException {
        Mat src = ImageDecoder.readBgr(TestImages.png(dir.resolve("n.png"), TestImages.noise(20, 20, 4)), null, 0);
        AugmentOp op = new AugmentOp.RandomResizedCrop(List.of(0.3, 1.0), List.of(0.75, 4.0 / 3.0));
        OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
        ImageWritable out = new AugmentOpTransform(op, 12, null)
                .transform(new ImageWritable(converter.convert(src)), new Random(9));
        Mat viaDataVec = new OpenCVFrameConverter.ToMat().convert(out.getFrame());
        Mat direct = op.apply(src, new Random(9), 12);
        assertEquals(12, viaDataVec.cols());
        assertArrayEquals(bytes(direct), bytes(viaDataVec));
        ImageWritable again = new AugmentOpTransform(op, 12, null)
                .transform(new ImageWritable(converter.convert(src)), new Random(10));
        assertFalse(Arrays.equals(bytes(direct), bytes(new OpenCVFrameConverter.ToMat().convert(again.getFrame()))),
                "another seed crops elsewhere");
    }

    private static byte[] bytes(Mat m) {
        byte[] out = new byte[(int) (m.total() * m.channels())];
        m.data().get(out);
        return out;
    }

    @Test
    void aConfigWithADataVecTransformTrains() throws IOException {
        ColourFolders.colourFolders(dir.resolve("colours"), 8, 24, 3);
        ExperimentConfig config = TinyExperiments.config(dir, "datavec", 1,
                "data.augment=[{datavec: " + FLIP + ", args: [1]}, {random_crop: 2}]");
        TrainResult result;
        try (RunDirectory run = RunDirectory.create(dir.resolve("experiments"), config,
                Provenance.collect("test", config.seed(), "test", Map.of()), LocalDateTime.now())) {
            result = new Trainer(config, run, new StopSignal(), BackboneLoader.standard()).train(null);
        }
        assertEquals(TrainResult.Status.COMPLETED, result.status(), result.message());
        assertEquals(1, result.history().size());
        assertFalse(Double.isNaN(result.history().get(0).trainLoss()));
    }
}
