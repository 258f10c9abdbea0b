package dev.graft.export;

import dev.graft.backbone.Stages;
import dev.graft.config.Arch;
import dev.graft.data.SyntheticShapes;
import dev.graft.model.Heatmap;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * How much of the Grad-CAM heatmap mass falls inside the drawn shape, for a bundle trained on Graft's synthetic
 * shapes (the quickstart's). Not a unit test (it needs a trained model, minutes of training); run it from the
 * build's test class path (surefire's name pattern does not pick it up), as the README shows:
 * <pre>mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt
 * java -Xss4m -cp target/test-classes:target/classes:$(cat target/bench-cp.txt) dev.graft.export.GradCamMaskCheck \
 *     experiments/quickstart/TIME/export [stage]</pre>
 * Regenerates the quickstart's images in memory with their masks and explains each for its true class. Prints,
 * per class and overall: the mean heatmap mass inside the shape, the mean share of the image the shape covers
 * (what a heatmap spread evenly would score) and the pointing-game hit rate (the heatmap's peak inside the shape,
 * Zhang et al. 2016). As a reference it also scores the best a map of the stage's resolution can look like for a
 * model that attends to exactly the shape: the mask averaged over each stage cell (as many input pixels square as
 * the stage reduces the image, around the cell's centre) and upsampled as Grad-CAM maps are.
 */
public final class GradCamMaskCheck {
    private GradCamMaskCheck() {
    }

    public static void main(String[] args) {
        String stage = args.length > 1 ? args[1] : null;
        try (Classifier classifier = Classifier.load(Path.of(args[0]))) {
            int stride = reduction(classifier, stage);
            if (classifier.preprocessing().cropRatio() != 1.0) {
                throw new IllegalArgumentException("the masks assume the whole image is resized (crop_ratio 1)");
            }
            int size = classifier.preprocessing().imageSize();
            List<SyntheticShapes.Sample> samples = SyntheticShapes.samples(SyntheticShapes.PER_CLASS,
                    SyntheticShapes.SIZE, SyntheticShapes.SEED);
            int classes = SyntheticShapes.CLASSES.size();
            Tally[] perClass = new Tally[classes + 1];
            for (int c = 0; c <= classes; c++) {
                perClass[c] = new Tally();
            }
            for (SyntheticShapes.Sample sample : samples) {
                String label = SyntheticShapes.CLASSES.get(sample.label());
                Explanation e = classifier.explain(sample.image(), label, stage);
                float[][] mask = sample.mask(size);
                boolean correct = classifier.predict(sample.image()).label().equals(label);
                for (Tally t : new Tally[] {perClass[sample.label()], perClass[classes]}) {
                    t.add(massInside(e.map(), mask), sum(mask) / (size * size), peakInside(e.map(), mask), correct,
                            massInside(Heatmap.upsampled(pooled(mask, stride), stride, size, size), mask));
                }
            }
            System.out.printf(Locale.ROOT, "stage %s, %d px input%n", stage == null ? "last" : stage, size);
            for (int c = 0; c <= classes; c++) {
                System.out.println((c < classes ? SyntheticShapes.CLASSES.get(c) : "all") + ": " + perClass[c]);
            }
        }
    }

    /** How much {@code stage} (null: the last) of the bundle's architecture reduces the input per side. */
    private static int reduction(Classifier classifier, String stage) {
        Stages stages = Stages.of(Arch.byId(classifier.manifest().arch()).orElseThrow());
        return (stage == null ? stages.list().get(stages.list().size() - 1) : stages.get(stage)).reduction();
    }

    /** Sums over images of one class (or all). */
    private static final class Tally {
        int n;
        int correct;
        int peaks;
        double inside;
        double area;
        double shapeMap;

        void add(double massInside, double areaShare, boolean peakInside, boolean isCorrect, double shapeMapInside) {
            shapeMap += shapeMapInside;
            n++;
            inside += massInside;
            area += areaShare;
            peaks += peakInside ? 1 : 0;
            correct += isCorrect ? 1 : 0;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d images (%d correct): heatmap mass inside the shape %.3f, shape "
                    + "covers %.3f of the image, peak inside %.3f; the shape itself as a stage map: %.3f", n, correct,
                    inside / n, area / n, (double) peaks / n, shapeMap / n);
        }
    }

    /**
     * {@code mask} averaged over each stage cell's {@code stride x stride} pixels around the pixel the cell is
     * centred on ({@code stride * j}, as {@link Heatmap#upsampled} places it; pixels at exactly half
     * a stride count half to each neighbour).
     */
    private static float[][] pooled(float[][] mask, int stride) {
        int cells = mask.length / stride;
        float[][] out = new float[cells][cells];
        int reach = stride / 2;
        for (int j = 0; j < cells; j++) {
            for (int i = 0; i < cells; i++) {
                double total = 0;
                for (int y = Math.max(0, stride * j - reach); y <= Math.min(mask.length - 1, stride * j + reach); y++) {
                    for (int x = Math.max(0, stride * i - reach); x <= Math.min(mask.length - 1, stride * i + reach);
                         x++) {
                        total += share(y - stride * j, stride) * share(x - stride * i, stride) * mask[y][x];
                    }
                }
                out[j][i] = (float) (total / (stride * stride));
            }
        }
        return out;
    }

    /** How much of a pixel at {@code offset} from a cell's centre pixel belongs to the cell. */
    private static double share(int offset, int stride) {
        double half = stride / 2.0;
        return Math.abs(offset) < half ? 1 : Math.abs(offset) == half ? 0.5 : 0;
    }

    private static double massInside(float[][] map, float[][] mask) {
        double total = 0;
        double in = 0;
        for (int y = 0; y < map.length; y++) {
            for (int x = 0; x < map[y].length; x++) {
                total += map[y][x];
                in += map[y][x] * mask[y][x];
            }
        }
        return total == 0 ? 0 : in / total;
    }

    private static boolean peakInside(float[][] map, float[][] mask) {
        int by = 0;
        int bx = 0;
        for (int y = 0; y < map.length; y++) {
            for (int x = 0; x < map[y].length; x++) {
                if (map[y][x] > map[by][bx]) {
                    by = y;
                    bx = x;
                }
            }
        }
        return mask[by][bx] >= 0.5f;
    }

    private static double sum(float[][] values) {
        double total = 0;
        for (float[] row : values) {
            for (float v : row) {
                total += v;
            }
        }
        return total;
    }
}
