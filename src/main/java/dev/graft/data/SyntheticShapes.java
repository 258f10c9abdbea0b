package dev.graft.data;

import dev.graft.GraftException;
import dev.graft.config.DataConfig;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Graft's built-in dataset ({@code data.synthetic: shapes}): small PNG photos-to-be of a circle, a square or a
 * triangle in a random colour, size and place on a noisy background, one folder per class. Generated
 * deterministically from a seed, so every machine gets the same files; used by the offline quickstart and by
 * tests. It shows the pipeline working end to end, not what a pretrained backbone can do on real photos.
 */
public final class SyntheticShapes {
    /** The class folders, in label order. */
    public static final List<String> CLASSES = List.of("circle", "square", "triangle");
    /** What {@code data.synthetic: shapes} generates: images per class, their size and the fixed seed. */
    public static final int PER_CLASS = 100;
    public static final int SIZE = 48;
    public static final long SEED = 20261121L;

    /** What the CSV sets ({@code multilabel_shapes}, {@code shape_sizes}) generate: images, each this size. */
    public static final int MANIFEST_COUNT = 400;

    private SyntheticShapes() {
    }

    /**
     * Generates the set {@code data.synthetic} names where the config expects it, unless it is already there:
     * {@code shapes} into {@code data.root}, the CSV sets into the folder of {@code data.csv.file}.
     *
     * @return true when it generated the set now
     */
    public static boolean ensure(DataConfig data) {
        DataConfig.Synthetic set = data.synthetic();
        if (set == DataConfig.Synthetic.NONE) {
            return false;
        }
        Path root = set.manifest() ? Path.of(data.csv().file()).toAbsolutePath().getParent() : Path.of(data.root());
        if (Files.exists(root)) {
            return false;
        }
        switch (set) {
            case SHAPES -> generate(root, PER_CLASS, SIZE, SEED);
            case MULTILABEL_SHAPES -> generateMultiLabel(root, MANIFEST_COUNT, SIZE, SEED);
            case SHAPE_SIZES -> generateSizes(root, MANIFEST_COUNT, SIZE, SEED);
            default -> throw new IllegalStateException("no generator for " + set);
        }
        return true;
    }

    /**
     * Writes {@code perClass} images of {@code size} pixels per class into {@code root} (which must not exist
     * yet or be empty). Written to a temporary sibling folder first and renamed, so an interrupted generation
     * never leaves a half dataset behind.
     */
    public static void generate(Path root, int perClass, int size, long seed) {
        Path tmp = root.resolveSibling(root.getFileName() + ".generating");
        try {
            deleteRecursively(tmp);
            Random random = new Random(seed);
            for (int c = 0; c < CLASSES.size(); c++) {
                Path folder = Files.createDirectories(tmp.resolve(CLASSES.get(c)));
                for (int i = 0; i < perClass; i++) {
                    ImageIO.write(draw(c, size, random), "png", folder.resolve(String.format("%04d.png", i)).toFile());
                }
            }
            Files.createDirectories(root.getParent());
            Files.move(tmp, root);
        } catch (IOException e) {
            throw new GraftException("cannot generate the synthetic dataset in " + root + ": " + e.getMessage(), e);
        }
    }

    /** The image column of the multi-label and regression manifests. */
    public static final String IMAGE_COLUMN = "image";
    /** The multi-label manifest's label column: the shapes present, joined by {@code |} (empty: none). */
    public static final String LABELS_COLUMN = "shapes";
    /** The regression manifest's target column: the shape's side in pixels. */
    public static final String SIZE_COLUMN = "size";
    /** The manifest both generators write into their root, beside the {@code images} folder. */
    public static final String MANIFEST = DataConfig.Synthetic.MANIFEST;
    /** Each shape's fixed hue in the multi-label and regression sets (red circle, green square, blue triangle). */
    private static final float[] HUES = {0.0f, 0.33f, 0.66f};

    /**
     * A multi-label set: {@code count} images, each with every shape present or not at random (so 0 to 3 shapes),
     * each shape in its own quarter of the image with its own hue; {@code root/images/NNNN.png} and
     * {@code root/labels.csv} ({@value #IMAGE_COLUMN},{@value #LABELS_COLUMN}, e.g. {@code circle|triangle}).
     */
    public static void generateMultiLabel(Path root, int count, int size, long seed) {
        Random random = new Random(seed);
        writeManifestSet(root, LABELS_COLUMN, count, i -> {
            BufferedImage image = background(size, random);
            Graphics2D g = image.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            List<Integer> quarters = new java.util.ArrayList<>(List.of(0, 1, 2, 3));
            java.util.Collections.shuffle(quarters, random);
            StringBuilder labels = new StringBuilder();
            int half = size / 2;
            for (int c = 0; c < CLASSES.size(); c++) {
                if (random.nextBoolean()) {
                    int q = quarters.get(c);
                    int s = half * 3 / 4 + random.nextInt(half / 4 + 1);
                    int x = (q % 2) * half + random.nextInt(half - s + 1);
                    int y = (q / 2) * half + random.nextInt(half - s + 1);
                    g.setColor(Color.getHSBColor(HUES[c], 0.8f, 0.9f));
                    fill(g, c, x, y, s);
                    labels.append(labels.length() == 0 ? "" : "|").append(CLASSES.get(c));
                }
            }
            g.dispose();
            return new ManifestSample(image, labels.toString());
        });
    }

    /**
     * A regression set: {@code count} images of one square (in the square's hue) whose side is drawn uniformly from
     * an eighth to seven eighths of the image; {@code root/images/NNNN.png} and {@code root/labels.csv}
     * ({@value #IMAGE_COLUMN},{@value #SIZE_COLUMN}) with the side in pixels as the target. One shape only: a tiny
     * network from scratch then learns the size in a few epochs, which is what the tests need.
     */
    public static void generateSizes(Path root, int count, int size, long seed) {
        Random random = new Random(seed);
        writeManifestSet(root, SIZE_COLUMN, count, i -> {
            BufferedImage image = background(size, random);
            Graphics2D g = image.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            int shape = 1;
            int s = size / 8 + random.nextInt(size * 3 / 4 + 1);
            int x = random.nextInt(size - s + 1);
            int y = random.nextInt(size - s + 1);
            g.setColor(Color.getHSBColor(HUES[shape], 0.8f, 0.9f));
            fill(g, shape, x, y, s);
            g.dispose();
            return new ManifestSample(image, String.valueOf(s));
        });
    }

    /** One image of a manifest set and its target cell. */
    private record ManifestSample(BufferedImage image, String target) {
    }

    /** Writes {@code count} samples and the manifest into a temporary sibling, then renames it to {@code root}. */
    private static void writeManifestSet(Path root, String targetColumn, int count,
                                         java.util.function.IntFunction<ManifestSample> sample) {
        Path tmp = root.toAbsolutePath().resolveSibling(root.getFileName() + ".generating");
        try {
            deleteRecursively(tmp);
            Path images = Files.createDirectories(tmp.resolve(DataConfig.Synthetic.IMAGES));
            StringBuilder csv = new StringBuilder(IMAGE_COLUMN + "," + targetColumn + "\n");
            for (int i = 0; i < count; i++) {
                ManifestSample s = sample.apply(i);
                String name = String.format("%04d.png", i);
                ImageIO.write(s.image(), "png", images.resolve(name).toFile());
                csv.append(name).append(',').append(s.target()).append('\n');
            }
            Files.writeString(tmp.resolve(MANIFEST), csv.toString());
            Files.createDirectories(root.toAbsolutePath().getParent());
            Files.move(tmp, root);
        } catch (IOException e) {
            throw new GraftException("cannot generate the synthetic dataset in " + root + ": " + e.getMessage(), e);
        }
    }

    /** A mid-grey, slightly noisy background (the shapes are what carries the signal). */
    private static BufferedImage background(int size, Random random) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int v = Math.max(0, Math.min(255, 120 + (int) (random.nextGaussian() * 4)));
                image.setRGB(x, y, new Color(v, v, v).getRGB());
            }
        }
        return image;
    }

    private static void fill(Graphics2D g, int shape, int x, int y, int s) {
        switch (shape) {
            case 0 -> g.fillOval(x, y, s, s);
            case 1 -> g.fillRect(x, y, s, s);
            default -> g.fillPolygon(new Polygon(new int[] {x, x + s, x + s / 2}, new int[] {y + s, y + s, y}, 3));
        }
    }

    static BufferedImage draw(int shape, int size, Random random) {
        return drawMasked(shape, size, random).image();
    }

    /**
     * One generated image with the shape's outline.
     *
     * @param label 0 circle, 1 square, 2 triangle ({@link #CLASSES} order)
     * @param shape the drawn shape in pixel coordinates (pixel {@code (x, y)} covers {@code [x, x+1) x [y, y+1)})
     */
    public record Sample(int label, BufferedImage image, java.awt.Shape shape) {
        /**
         * The fraction of each pixel of a {@code size x size} rescaling of the image that the shape covers
         * (sampled on a 4 x 4 grid per pixel): the mask for an image resized to {@code size}.
         */
        public float[][] mask(int size) {
            float[][] mask = new float[size][size];
            double scale = (double) image.getWidth() / size;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int inside = 0;
                    for (int i = 0; i < 4; i++) {
                        for (int j = 0; j < 4; j++) {
                            boolean in = shape.contains((x + (j + 0.5) / 4) * scale, (y + (i + 0.5) / 4) * scale);
                            inside += in ? 1 : 0;
                        }
                    }
                    mask[y][x] = inside / 16f;
                }
            }
            return mask;
        }
    }

    /**
     * The images {@link #generate} writes for these arguments, in the same order (class by class), with their
     * shapes: masks for the files already on disk, without writing anything.
     */
    public static List<Sample> samples(int perClass, int size, long seed) {
        Random random = new Random(seed);
        List<Sample> samples = new java.util.ArrayList<>();
        for (int c = 0; c < CLASSES.size(); c++) {
            for (int i = 0; i < perClass; i++) {
                samples.add(drawMasked(c, size, random));
            }
        }
        return samples;
    }

    private static Sample drawMasked(int label, int size, Random random) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        int base = 60 + random.nextInt(140);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int v = Math.max(0, Math.min(255, base + (int) (random.nextGaussian() * 20)));
                image.setRGB(x, y, new Color(v, Math.max(0, v - 10), Math.min(255, v + 10)).getRGB());
            }
        }
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.getHSBColor(random.nextFloat(), 0.6f + 0.4f * random.nextFloat(),
                0.5f + 0.5f * random.nextFloat()));
        int s = size / 3 + random.nextInt(size / 3);
        int x = random.nextInt(size - s);
        int y = random.nextInt(size - s);
        java.awt.Shape shape = switch (label) {
            case 0 -> new java.awt.geom.Ellipse2D.Float(x, y, s, s);
            case 1 -> new java.awt.Rectangle(x, y, s, s);
            default -> new Polygon(new int[] {x, x + s, x + s / 2}, new int[] {y + s, y + s, y}, 3);
        };
        g.fill(shape);
        g.dispose();
        return new Sample(label, image, shape);
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
