package dev.graft.backbone;

import dev.graft.GraftException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code preprocessor_config.json} read as transformers' image processors apply it. */
class HuggingFacePreprocessingTest {
    static final Path DIR = Path.of("src", "test", "resources", "fixtures", "hf");

    @TempDir
    Path dir;

    /** Pillow + NumPy reference of ConvNextImageProcessor, {@code tools/make_hf_preprocess_fixture.py}. */
    @Test
    void convNextProcessorMatchesThePillowReference() throws IOException {
        InputSpec spec = HuggingFacePreprocessing.read(DIR.resolve("preprocessor_config.json"));
        assertEquals(new InputSpec(24, 27, false, InputSpec.IMAGENET_MEAN, InputSpec.IMAGENET_STD,
                InputSpec.Resample.BICUBIC, InputSpec.CropRounding.FLOOR), spec);
        INDArray actual = new ReferencePreprocessor(spec).batch(List.of(DIR.resolve("odd.png")));
        INDArray expected = Npy.read(DIR.resolve("odd.expected.npy"));
        assertArrayEquals(expected.shape(), actual.shape());
        assertTrue(actual.sub(expected).amaxNumber().doubleValue() < 1e-5,
                "max difference " + actual.sub(expected).amaxNumber());
        // torchvision's conventions (bilinear, rounded crop offset) give other values on this image
        INDArray torchvision = new ReferencePreprocessor(new InputSpec(24, 27, false, InputSpec.IMAGENET_MEAN,
                InputSpec.IMAGENET_STD)).batch(List.of(DIR.resolve("odd.png")));
        assertTrue(torchvision.sub(expected).amaxNumber().doubleValue() > 0.1);
    }

    /** microsoft/resnet-50's file (the older feature-extractor form with an integer size). */
    @Test
    void microsoftResnet50() throws IOException {
        Path file = write("""
                {"crop_pct": 0.875, "do_normalize": true, "do_resize": true,
                 "feature_extractor_type": "ConvNextFeatureExtractor", "image_mean": [0.485, 0.456, 0.406],
                 "image_std": [0.229, 0.224, 0.225], "resample": 3, "size": 224}""");
        assertEquals(new InputSpec(224, 256, false, InputSpec.IMAGENET_MEAN, InputSpec.IMAGENET_STD,
                InputSpec.Resample.BICUBIC, InputSpec.CropRounding.FLOOR), HuggingFacePreprocessing.read(file));
    }

    @Test
    void from384UpConvNextResizesToASquareWithoutCropping() throws IOException {
        InputSpec spec = HuggingFacePreprocessing.read(write("""
                {"image_processor_type": "ConvNextImageProcessor", "size": {"shortest_edge": 384},
                 "resample": 2, "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]}"""));
        assertEquals(new InputSpec(384, 384, true, List.of(0.5f, 0.5f, 0.5f), List.of(0.5f, 0.5f, 0.5f),
                InputSpec.Resample.BILINEAR, InputSpec.CropRounding.FLOOR), spec);
    }

    @Test
    void otherProcessorsResizeThenCropCropSize() throws IOException {
        InputSpec spec = HuggingFacePreprocessing.read(write("""
                {"image_processor_type": "BitImageProcessor", "size": {"shortest_edge": 256},
                 "do_center_crop": true, "crop_size": {"height": 224, "width": 224}, "resample": 3}"""));
        assertEquals(224, spec.size());
        assertEquals(256, spec.resize());
    }

    @Test
    void whatGraftCannotReproduceIsRefusedByName() throws IOException {
        assertRefused("{\"size\": 224, \"image_processor_type\": \"ConvNextImageProcessor\", \"resample\": 0}",
                "resample 0");
        assertRefused("{\"size\": 224, \"image_processor_type\": \"ConvNextImageProcessor\", \"crop_pct\": 1.5}",
                "crop_pct");
        assertRefused("{\"size\": {\"height\": 224, \"width\": 160}}", "square");
        assertRefused("{\"size\": 224, \"image_processor_type\": \"ConvNextImageProcessor\", \"image_std\": [1, 2]}",
                "image_std");
        assertRefused("{\"size\": 224, \"do_rescale\": false}", "rescale_factor");
        assertRefused("{not json", "cannot read");
    }

    private void assertRefused(String json, String expected) throws IOException {
        Path file = write(json);
        GraftException e = assertThrows(GraftException.class, () -> HuggingFacePreprocessing.read(file));
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains(file.toString()), e.getMessage());
        assertEquals(GraftException.USAGE, e.exitCode());
    }

    private Path write(String json) throws IOException {
        Path file = Files.createTempFile(dir, "preprocessor_config", ".json");
        Files.writeString(file, json);
        return file;
    }
}
