package dev.graft.backbone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.GraftException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Hugging Face {@code preprocessor_config.json} as Graft's {@link InputSpec}. ConvNeXt's image processor
 * (what the Hub's ResNets use): below 384 the shorter side is resized to {@code int(shortest_edge / crop_pct)}
 * and centre-cropped to {@code shortest_edge}; from 384 up the image is resized to a square without cropping.
 * Other processors: resize the shorter side to {@code size.shortest_edge} (or to {@code size.height x width}),
 * then centre-crop {@code crop_size} when {@code do_center_crop}. Resampling is Pillow's ({@code resample}: 2
 * bilinear, 3 bicubic), the crop offset is floored, values are scaled by 1/255 and normalised with
 * {@code image_mean} / {@code image_std}. What Graft cannot reproduce is refused with the field named.
 */
final class HuggingFacePreprocessing {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double RESCALE = 1 / 255.0;

    private HuggingFacePreprocessing() {
    }

    /** The input facts {@code file} describes. */
    static InputSpec read(Path file) {
        JsonNode c;
        try {
            c = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new GraftException("cannot read " + file + ": " + TorchCheckpointReader.message(e),
                    GraftException.USAGE, e);
        }
        try {
            return of(c);
        } catch (IllegalArgumentException e) {
            throw new GraftException(file + ": " + e.getMessage(), GraftException.USAGE, e);
        }
    }

    static InputSpec of(JsonNode c) {
        if (!c.path("do_resize").asBoolean(true)) {
            throw new IllegalArgumentException("do_resize false is not supported (Graft needs a fixed input size)");
        }
        if (!c.path("do_rescale").asBoolean(true)
                || Math.abs(c.path("rescale_factor").asDouble(RESCALE) - RESCALE) > 1e-9) {
            throw new IllegalArgumentException("only rescale_factor 1/255 (do_rescale true) is supported");
        }
        boolean normalize = c.path("do_normalize").asBoolean(true);
        List<Float> mean = normalize ? triple(c, "image_mean") : List.of(0f, 0f, 0f);
        List<Float> std = normalize ? triple(c, "image_std") : List.of(1f, 1f, 1f);
        InputSpec.Resample resample = switch (c.path("resample").asInt(3)) {
            case 2 -> InputSpec.Resample.BILINEAR;
            case 3 -> InputSpec.Resample.BICUBIC;
            default -> throw new IllegalArgumentException("resample " + c.path("resample").asInt()
                    + " is not supported (2 bilinear or 3 bicubic)");
        };
        String type = c.path("image_processor_type").asText(c.path("feature_extractor_type").asText(""));
        JsonNode size = c.path("size");
        if (type.startsWith("ConvNext")) {
            int edge = size.isInt() ? size.asInt() : positive(size, "shortest_edge", "size.shortest_edge");
            if (edge >= 384) {
                return spec(edge, edge, true, mean, std, resample);
            }
            double cropPct = c.path("crop_pct").asDouble(224 / 256.0);
            if (!(cropPct > 0 && cropPct <= 1)) {
                throw new IllegalArgumentException("crop_pct must be in (0, 1], was " + cropPct);
            }
            return spec(edge, (int) (edge / cropPct), false, mean, std, resample);
        }
        if (size.has("height") || size.has("width")) {
            int h = positive(size, "height", "size.height");
            if (h != positive(size, "width", "size.width")) {
                throw new IllegalArgumentException("only square sizes are supported, size was " + size);
            }
            return spec(h, h, true, mean, std, resample);
        }
        int edge = size.isInt() ? size.asInt() : positive(size, "shortest_edge", "size.shortest_edge");
        if (!c.path("do_center_crop").asBoolean(false)) {
            throw new IllegalArgumentException("a shortest_edge resize without do_center_crop gives images of"
                    + " varying shape; Graft needs a square input");
        }
        JsonNode crop = c.path("crop_size");
        int cropSide = crop.isInt() ? crop.asInt() : positive(crop, "height", "crop_size.height");
        return spec(cropSide, edge, false, mean, std, resample);
    }

    private static InputSpec spec(int size, int resize, boolean square, List<Float> mean, List<Float> std,
                                  InputSpec.Resample resample) {
        if (size < 1 || resize < size) {
            throw new IllegalArgumentException("the resize (" + resize + ") must be at least the crop (" + size
                    + ")");
        }
        return new InputSpec(size, resize, square, mean, std, resample, InputSpec.CropRounding.FLOOR);
    }

    private static int positive(JsonNode node, String field, String name) {
        int v = node.path(field).asInt(0);
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be a positive integer, was " + node.path(field));
        }
        return v;
    }

    private static List<Float> triple(JsonNode c, String field) {
        JsonNode node = c.path(field);
        if (node.isMissingNode()) {
            return field.equals("image_mean") ? InputSpec.IMAGENET_MEAN : InputSpec.IMAGENET_STD;
        }
        if (!node.isArray() || node.size() != 3) {
            throw new IllegalArgumentException(field + " must list 3 numbers (RGB), was " + node);
        }
        List<Float> out = new ArrayList<>();
        node.forEach(n -> out.add((float) n.asDouble()));
        if (field.equals("image_std") && out.stream().anyMatch(v -> v <= 0)) {
            throw new IllegalArgumentException("image_std must be positive, was " + node);
        }
        return List.copyOf(out);
    }
}
