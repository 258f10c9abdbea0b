package dev.graft.backbone;

import dev.graft.GraftException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import javax.imageio.ImageIO;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * torchvision's reference evaluation preprocessing, for {@code graft classify} and for checking imported
 * weights against PyTorch: decode to RGB, resize with Pillow's bilinear filter ({@link PilResize}; bicubic and a
 * floor-rounded crop for Hugging Face image processors, see {@link InputSpec}) so the
 * shorter side is {@link InputSpec#resize()} (or straight to {@code size x size} for the CIFAR models),
 * centre-crop {@link InputSpec#size()}, scale to [0, 1] and normalise with the mean/std, as float32 NCHW.
 * (Training uses the data package's own pipeline.)
 */
public final class ReferencePreprocessor {
    private final InputSpec spec;

    /** Preprocessing for a backbone's input facts ({@link Backbone#input()}). */
    public ReferencePreprocessor(InputSpec spec) {
        this.spec = spec;
    }

    /** The images as one {@code [N, 3, size, size]} batch. */
    public INDArray batch(List<Path> images) {
        int s = spec.size();
        float[] all = new float[images.size() * 3 * s * s];
        for (int i = 0; i < images.size(); i++) {
            float[] one = tensor(decode(images.get(i)));
            System.arraycopy(one, 0, all, i * one.length, one.length);
        }
        return Nd4j.create(all, new long[] {images.size(), 3, s, s}, 'c');
    }

    /** One preprocessed image, CHW order, {@code 3 * size * size} values. */
    float[] tensor(PilResize.Rgb image) {
        PilResize.Rgb resized;
        int s = spec.size();
        if (spec.squareResize()) {
            resized = PilResize.resize(image, s, s, spec.resample());
        } else {
            int w = image.width();
            int h = image.height();
            int shortSide = Math.min(w, h);
            int longSide = (int) ((double) ((long) spec.resize() * Math.max(w, h)) / shortSide);
            resized = w <= h ? PilResize.resize(image, spec.resize(), longSide, spec.resample())
                    : PilResize.resize(image, longSide, spec.resize(), spec.resample());
        }
        if (resized.width() < s || resized.height() < s) {
            throw new IllegalStateException("resized image smaller than the crop");
        }
        int top = cropOffset(resized.height() - s);
        int left = cropOffset(resized.width() - s);
        float[] out = new float[3 * s * s];
        for (int c = 0; c < 3; c++) {
            float mean = spec.mean().get(c);
            float std = spec.std().get(c);
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++) {
                    float v = resized.at(x + left, y + top, c) / 255f;
                    out[(c * s + y) * s + x] = (v - mean) / std;
                }
            }
        }
        return out;
    }

    private int cropOffset(int excess) {
        return spec.crop() == InputSpec.CropRounding.FLOOR ? excess / 2
                : (int) Math.rint(excess / 2.0); // torchvision: int(round(d / 2.0)), Python rounds half to even
    }

    /** Decodes an image file to 8-bit RGB (alpha dropped, grey replicated, palettes resolved) like PIL. */
    static PilResize.Rgb decode(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new GraftException("no such image file: " + file, GraftException.USAGE, null);
        }
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException e) { // unreadable or corrupt (ImageIO's IIOException)
            throw new GraftException("cannot decode image " + file + ": " + TorchCheckpointReader.message(e),
                    GraftException.USAGE, e);
        }
        if (img == null) {
            throw new GraftException("cannot decode image " + file + ": not a JPEG, PNG, GIF or BMP file",
                    GraftException.USAGE, null);
        }
        int w = img.getWidth();
        int h = img.getHeight();
        int[] px = new int[w * h * 3];
        Raster raster = img.getRaster();
        boolean grey = img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && raster.getSampleModel().getSampleSize(0) == 8;
        if (grey) { // getRGB would apply a gamma conversion PIL does not
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int i = (y * w + x) * 3;
                    px[i] = px[i + 1] = px[i + 2] = row[x];
                }
            }
        } else {
            int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
            for (int i = 0; i < argb.length; i++) {
                px[i * 3] = (argb[i] >> 16) & 0xff;
                px[i * 3 + 1] = (argb[i] >> 8) & 0xff;
                px[i * 3 + 2] = argb[i] & 0xff;
            }
        }
        return new PilResize.Rgb(w, h, px);
    }
}
