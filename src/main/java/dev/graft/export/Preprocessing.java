package dev.graft.export;

import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.graft.data.EvalPreprocessor;
import dev.graft.data.Normalization;

import java.util.List;
import java.util.Objects;

/**
 * How an image becomes the model's input, written to a bundle's {@code preprocessing.json} so that a service in
 * any language can reproduce it; the {@link Classifier} applies it through training's own evaluation transform.
 *
 * @param imageSize         side of the square network input ({@code H = W})
 * @param resize            the geometry: resize so the shorter side is {@code resizeShorterSide}, centre-crop
 *                          {@code imageSize x imageSize}
 * @param resizeShorterSide {@code max(imageSize, round(imageSize / cropRatio))}
 * @param cropRatio         {@code imageSize / resizeShorterSide} as configured ({@code data.crop_ratio})
 * @param interpolation     resampling used by the resize
 * @param channelOrder      channel order of the input tensor
 * @param layout            tensor layout
 * @param valueRange        pixel range after scaling, before normalisation
 * @param mean              per-channel mean subtracted after scaling (channel order as above)
 * @param std               per-channel standard deviation divided by after subtracting the mean
 * @param decoder           how files are decoded
 * @param inputName         the ONNX model's input
 * @param outputNames       the ONNX model's outputs
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Preprocessing(int imageSize, String resize, int resizeShorterSide, double cropRatio,
                            String interpolation, String channelOrder, String layout, List<Double> valueRange,
                            List<Float> mean, List<Float> std, String decoder, String inputName,
                            List<String> outputNames) {
    /** @throws IllegalArgumentException naming the field (as in the JSON) that is missing or out of range */
    public Preprocessing {
        if (imageSize < 1) {
            throw new IllegalArgumentException("image_size must be >= 1 (was " + imageSize + ")");
        }
        if (!(cropRatio > 0 && cropRatio <= 1)) {
            throw new IllegalArgumentException("crop_ratio must be in (0, 1] (was " + cropRatio + ")");
        }
        mean = channels("mean", mean);
        std = channels("std", std);
        if (std.stream().anyMatch(s -> !(s > 0))) {
            throw new IllegalArgumentException("std must be > 0 for every channel (was " + std + ")");
        }
        valueRange = valueRange == null ? List.of() : List.copyOf(valueRange);
        outputNames = outputNames == null ? List.of() : List.copyOf(outputNames);
    }

    private static List<Float> channels(String field, List<Float> values) {
        if (values == null || values.size() != 3 || values.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException(field + " must list 3 numbers (R, G, B) (was " + values + ")");
        }
        return List.copyOf(values);
    }

    /** Training's evaluation transform for this input size, crop ratio and mean/std. */
    public static Preprocessing of(int imageSize, double cropRatio, Normalization normalization) {
        return new Preprocessing(imageSize, "shorter_side_then_center_crop",
                EvalPreprocessor.shorterSide(imageSize, cropRatio), cropRatio,
                "OpenCV INTER_AREA when shrinking, INTER_LINEAR (bilinear) when enlarging", "RGB", "NCHW",
                List.of(0.0, 1.0), boxed(normalization.mean()), boxed(normalization.std()),
                "OpenCV imdecode IMREAD_COLOR: EXIF orientation applied, grey replicated to RGB, alpha dropped, "
                        + "16-bit scaled to 8-bit; JPEGs at least 2x larger than needed are decoded at 1/2, 1/4 or "
                        + "1/8 scale (libjpeg DCT scaling) while the shorter side stays >= resize_shorter_side",
                OnnxExporter.INPUT, List.of(OnnxExporter.PROBABILITIES, OnnxExporter.LOGITS));
    }

    /** The mean/std as the data package applies them. */
    public Normalization normalization() {
        return new Normalization(unboxed(mean), unboxed(std));
    }

    /** The evaluation transform this describes. */
    public EvalPreprocessor preprocessor() {
        return EvalPreprocessor.of(imageSize, cropRatio, normalization());
    }

    private static List<Float> boxed(float[] values) {
        return List.of(values[0], values[1], values[2]);
    }

    private static float[] unboxed(List<Float> values) {
        return new float[] {values.get(0), values.get(1), values.get(2)};
    }
}
