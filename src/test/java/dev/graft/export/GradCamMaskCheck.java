package dev.graft.export;

import dev.graft.data.SyntheticShapes;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * How much of the Grad-CAM heatmap mass falls inside the drawn shape, for a bundle trained on Graft's synthetic
 * shapes (the quickstart's). Not a unit test (it needs a trained model, minutes of training); run it from the
 * build's test class path (which {@code mvn test-compile} writes; surefire's name pattern does not pick it up):
 * <pre>java -cp target/test-classes:target/classes:$(cat cp.txt) dev.graft.export.GradCamMaskCheck \
 *     experiments/quickstart/TIME/export [stage]</pre>
 * Regenerates the quickstart's 300 images in memory with their masks and explains each for its true class.
 */
public final class GradCamMaskCheck {
    private GradCamMaskCheck() {
    }

    public static void main(String[] args) {
        String stage = args.length > 1 ? args[1] : null;
        try (Classifier classifier = Classifier.load(Path.of(args[0]))) {
            if (classifier.preprocessing().cropRatio() != 1.0) {
                throw new IllegalArgumentException("the masks assume the whole image is resized (crop_ratio 1)");
            }
            int size = classifier.preprocessing().imageSize();
            List<SyntheticShapes.Sample> samples = SyntheticShapes.samples(SyntheticShapes.PER_CLASS,
                    SyntheticShapes.SIZE, SyntheticShapes.SEED);
            double inside = 0;
            double area = 0;
            int correct = 0;
            for (SyntheticShapes.Sample sample : samples) {
                String label = SyntheticShapes.CLASSES.get(sample.label());
                Explanation e = classifier.explain(sample.image(), label, stage);
                float[][] mask = sample.mask(size);
                inside += massInside(e.map(), mask);
                area += sum(mask) / (size * size);
                correct += classifier.predict(sample.image()).label().equals(label) ? 1 : 0;
            }
            int n = samples.size();
            System.out.printf(Locale.ROOT, "%d images (%d classified correctly), stage %s: mean heatmap mass inside "
                    + "the shape %.3f; the shape covers %.3f of the image on average%n", n, correct,
                    stage == null ? "last" : stage, inside / n, area / n);
        }
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
