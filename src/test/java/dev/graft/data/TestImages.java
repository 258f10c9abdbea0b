package dev.graft.data;

import dev.graft.config.ConfigLoader;
import dev.graft.config.DataConfig;
import dev.graft.config.ExperimentConfig;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/** Tiny synthetic images of every kind the pipeline must read, and configs that point at them. */
final class TestImages {
    private TestImages() {
    }

    /** An RGB image of random noise (seeded). */
    static BufferedImage noise(int w, int h, long seed) {
        Random rng = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rng.nextInt(0x1000000));
            }
        }
        return img;
    }

    /** Left part one colour, right part another. */
    static BufferedImage halves(int w, int h, int leftWidth, int leftRgb, int rightRgb) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, x < leftWidth ? leftRgb : rightRgb);
            }
        }
        return img;
    }

    static Path png(Path file, BufferedImage img) throws IOException {
        Files.createDirectories(file.getParent());
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer for image type " + img.getType());
        }
        return file;
    }

    static byte[] jpegBytes(BufferedImage img) throws IOException {
        BufferedImage rgb = img;
        if (img.getType() != BufferedImage.TYPE_INT_RGB && img.getType() != BufferedImage.TYPE_BYTE_GRAY) {
            rgb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
            rgb.getGraphics().drawImage(img, 0, 0, null);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(rgb, "jpg", out);
        return out.toByteArray();
    }

    static Path jpeg(Path file, BufferedImage img) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, jpegBytes(img));
        return file;
    }

    static BufferedImage gray(int w, int h, int value) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = img.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r.setSample(x, y, 0, value);
            }
        }
        return img;
    }

    static BufferedImage gray16(int w, int h, int value) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster r = img.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r.setSample(x, y, 0, value);
            }
        }
        return img;
    }

    /** 16 bits per sample RGB. */
    static BufferedImage rgb16(int w, int h, int r16, int g16, int b16) {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raster.setPixel(x, y, new int[] {r16, g16, b16});
            }
        }
        return new BufferedImage(cm, raster, false, null);
    }

    static BufferedImage rgba(int w, int h, int argb) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, argb);
            }
        }
        return img;
    }

    /** A 4-colour palette image: column x gets palette entry x % 4. */
    static BufferedImage palette(int w, int h, int[] rgb) {
        byte[] r = new byte[rgb.length];
        byte[] g = new byte[rgb.length];
        byte[] b = new byte[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            r[i] = (byte) (rgb[i] >> 16);
            g[i] = (byte) (rgb[i] >> 8);
            b[i] = (byte) rgb[i];
        }
        IndexColorModel cm = new IndexColorModel(2, rgb.length, r, g, b);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_BINARY, cm);
        WritableRaster raster = img.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raster.setSample(x, y, 0, x % rgb.length);
            }
        }
        return img;
    }

    /**
     * An Adobe-style CMYK JPEG (inverted samples, APP14 "Adobe" marker with transform 0) filled with one colour
     * given as CMYK ink amounts 0..255.
     */
    static byte[] cmykJpeg(int w, int h, int c, int m, int y, int k) throws IOException {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
        for (int j = 0; j < h; j++) {
            for (int i = 0; i < w; i++) {
                raster.setPixel(i, j, new int[] {255 - c, 255 - m, 255 - y, 255 - k});
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(raster, null, null), null);
        }
        byte[] app14 = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
        return insertAfterSoi(out.toByteArray(), app14);
    }

    /** A JPEG with an EXIF APP1 segment carrying {@code orientation}. */
    static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0,
            0, 0, 0, 0};
        int length = 2 + 6 + tiff.length;
        byte[] app1 = new byte[2 + length];
        app1[0] = (byte) 0xFF;
        app1[1] = (byte) 0xE1;
        app1[2] = (byte) (length >> 8);
        app1[3] = (byte) length;
        System.arraycopy("Exif\0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, app1, 4, 6);
        System.arraycopy(tiff, 0, app1, 10, tiff.length);
        return insertAfterSoi(jpeg, app1);
    }

    private static byte[] insertAfterSoi(byte[] jpeg, byte[] segment) {
        byte[] out = new byte[jpeg.length + segment.length];
        System.arraycopy(jpeg, 0, out, 0, 2);
        System.arraycopy(segment, 0, out, 2, segment.length);
        System.arraycopy(jpeg, 2, out, 2 + segment.length, jpeg.length - 2);
        return out;
    }

    /** The first {@code fraction} of a file's bytes. */
    static byte[] truncated(byte[] bytes, double fraction) {
        return Arrays.copyOf(bytes, (int) (bytes.length * fraction));
    }

    /**
     * Writes an experiment file whose {@code data:} section is {@code dataYaml} (already indented by two
     * spaces) and returns the loaded config. Uses a CIFAR arch so tiny image sizes validate.
     */
    static ExperimentConfig config(Path dir, String dataYaml) throws IOException {
        Path file = dir.resolve("experiment.yaml");
        Files.writeString(file, "name: t\nseed: 7\nbackbone: {arch: resnet20_cifar, weights: none}\ndata:\n"
                + dataYaml);
        return new ConfigLoader().load(file);
    }

    static DataConfig data(Path dir, String dataYaml) throws IOException {
        return config(dir, dataYaml).data();
    }

    /** A folder-per-class tree: {@code root/<class>/<class>_<i>.png}, noise images of {@code size} px. */
    static void classFolders(Path root, int size, int... countsPerClass) throws IOException {
        for (int c = 0; c < countsPerClass.length; c++) {
            for (int i = 0; i < countsPerClass[c]; i++) {
                png(root.resolve("c" + c).resolve("c" + c + "_" + i + ".png"), noise(size, size, c * 1000L + i));
            }
        }
    }
}
