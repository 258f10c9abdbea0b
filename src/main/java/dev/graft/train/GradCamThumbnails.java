package dev.graft.train;

import dev.graft.backbone.Stage;
import dev.graft.backbone.Stages;
import dev.graft.config.ExperimentConfig;
import dev.graft.data.EvalPreprocessor;
import dev.graft.data.Normalization;
import dev.graft.data.UnreadableImageException;
import dev.graft.model.GradCam;
import dev.graft.model.Heatmap;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Small pictures for the report's galleries: an image as the model saw it (training's evaluation transform) and
 * its Grad-CAM overlay ({@link GradCam} of the last stage, drawn by {@link Heatmap#overlay}) for one class,
 * on the run's trained graph. Pictures up to {@value #PNG_SIDE} px are PNG (lossless, tiny); larger ones are
 * scaled to at most {@value #MAX_SIDE} px and written as JPEG, so a gallery of photos stays a few hundred KB.
 */
final class GradCamThumbnails {
    static final int MAX_SIDE = 160;
    private static final int PNG_SIDE = 64;
    private static final float JPEG_QUALITY = 0.85f;
    private static final int BATCH = 16;

    private final ComputationGraph model;
    private final Stage stage;
    private final GradCam cam;
    private final EvalPreprocessor preprocessor;
    private final Normalization normalization;
    private final int size;

    /** An image and its overlay, encoded; {@code mime} is their type ({@code image/png} or {@code image/jpeg}). */
    record Thumbnail(byte[] picture, byte[] overlay, String mime) {
    }

    private GradCamThumbnails(ComputationGraph model, ExperimentConfig config) {
        this.model = model;
        this.size = config.imageSize();
        this.normalization = InputNormalization.of(config.arch());
        this.preprocessor = EvalPreprocessor.of(size, config.cropRatio(), normalization);
        this.stage = Stages.of(config.arch()).list().get(Stages.of(config.arch()).list().size() - 1);
        this.cam = GradCam.of(model, stage.endVertex(), size);
    }

    /** Thumbnails on {@code model}, a graph of {@code config}'s architecture (a checkpoint's). */
    static GradCamThumbnails of(ComputationGraph model, ExperimentConfig config) {
        return new GradCamThumbnails(model, config);
    }

    /** The explained stage's name ({@code stage4}, ...). */
    String stage() {
        return stage.name();
    }

    /** An image to draw and the output whose Grad-CAM to overlay. */
    record Request(Path image, int classIndex) {
    }

    /** A request's pictures, or why there are none (the file is gone or no longer decodes). */
    record Outcome(Thumbnail thumbnail, String problem) {
    }

    /**
     * The pictures of each request, in order. The images run through the model in batches of {@value #BATCH};
     * only the Grad-CAM backward pass is per image.
     */
    List<Outcome> render(List<Request> requests) {
        List<Outcome> out = new ArrayList<>();
        for (int from = 0; from < requests.size(); from += BATCH) {
            out.addAll(renderBatch(requests.subList(from, Math.min(requests.size(), from + BATCH))));
        }
        return out;
    }

    private List<Outcome> renderBatch(List<Request> requests) {
        float[][] inputs = new float[requests.size()][];
        String[] problems = new String[requests.size()];
        List<Integer> readable = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            try {
                inputs[i] = preprocessor.file(requests.get(i).image());
                readable.add(i);
            } catch (UnreadableImageException e) {
                problems[i] = e.getMessage();
            }
        }
        INDArray activations = readable.isEmpty() ? null : activations(readable.stream().map(i -> inputs[i]).toList());
        List<Outcome> out = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            if (inputs[i] == null) {
                out.add(new Outcome(null, problems[i]));
                continue;
            }
            INDArray activation = activations.get(NDArrayIndex.interval(readable.indexOf(i), readable.indexOf(i) + 1),
                    NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()).dup();
            out.add(new Outcome(thumbnail(inputs[i], cam.explain(activation, requests.get(i).classIndex())), null));
        }
        return out;
    }

    /** The explained stage's output for a batch of preprocessed images. */
    private INDArray activations(List<float[]> inputs) {
        INDArray x = Nd4j.create(DataType.FLOAT, inputs.size(), 3, size, size);
        for (int i = 0; i < inputs.size(); i++) {
            x.get(NDArrayIndex.point(i)).assign(Nd4j.create(inputs.get(i), new long[] {3, size, size}, 'c'));
        }
        INDArray a = model.feedForward(x, false).get(stage.endVertex()).dup();
        model.clearLayersStates();
        return a;
    }

    private Thumbnail thumbnail(float[] input, GradCam.Result result) {
        float[][] map = Heatmap.onImage(result.map(), stage.reduction(), size);
        BufferedImage picture = normalization.image(input, size);
        BufferedImage overlay = Heatmap.overlay(picture, map);
        boolean png = size <= PNG_SIDE;
        return new Thumbnail(encode(picture, png), encode(overlay, png), png ? "image/png" : "image/jpeg");
    }

    private static byte[] encode(BufferedImage image, boolean png) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (png) {
                ImageIO.write(image, "png", out);
                return out.toByteArray();
            }
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(JPEG_QUALITY);
            try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
                writer.setOutput(stream);
                writer.write(null, new IIOImage(scaled(image), null, null), param);
            } finally {
                writer.dispose();
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a report thumbnail", e); // in memory: not expected
        }
    }

    /** {@code image} shrunk to at most {@value #MAX_SIDE} px a side (bilinear), or itself when smaller. */
    private static BufferedImage scaled(BufferedImage image) {
        int side = Math.max(image.getWidth(), image.getHeight());
        if (side <= MAX_SIDE) {
            return image;
        }
        int w = image.getWidth() * MAX_SIDE / side;
        int h = image.getHeight() * MAX_SIDE / side;
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, w, h, null);
        g.dispose();
        return out;
    }
}
