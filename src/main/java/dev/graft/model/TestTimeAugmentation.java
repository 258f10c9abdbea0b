package dev.graft.model;

import dev.graft.config.EvaluationConfig.Tta;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Test-time augmentation ({@code evaluation.tta}): a model's outputs averaged over views of each image. The views
 * are every combination of the configured flips, the image itself first ({@code [hflip, vflip]}: identity,
 * hflip, vflip, both), so the average is the same for a flipped input as for the original. One implementation of
 * the flips on planar NCHW floats serves training's evaluation (INDArray batches) and the bundle's engines.
 */
public final class TestTimeAugmentation {
    private static final TestTimeAugmentation NONE = new TestTimeAugmentation(List.of(Set.of()));
    private final List<Set<Tta>> views;

    private TestTimeAugmentation(List<Set<Tta>> views) {
        this.views = List.copyOf(views);
    }

    /** The views of {@code flips}: the identity plus every non-empty combination. */
    public static TestTimeAugmentation of(List<Tta> flips) {
        if (flips.isEmpty()) {
            return NONE;
        }
        List<Tta> distinct = flips.stream().distinct().toList();
        List<Set<Tta>> views = new ArrayList<>();
        for (int mask = 0; mask < 1 << distinct.size(); mask++) {
            Set<Tta> view = EnumSet.noneOf(Tta.class);
            for (int i = 0; i < distinct.size(); i++) {
                if ((mask & 1 << i) != 0) {
                    view.add(distinct.get(i));
                }
            }
            views.add(view);
        }
        return new TestTimeAugmentation(views);
    }

    /** No augmentation: one view, the image itself. */
    public static TestTimeAugmentation none() {
        return NONE;
    }

    public boolean enabled() {
        return views.size() > 1;
    }

    public int viewCount() {
        return views.size();
    }

    /** The views' names: {@code identity}, {@code hflip}, {@code vflip}, {@code hflip+vflip}. */
    public List<String> viewNames() {
        return views.stream().map(v -> v.isEmpty() ? "identity"
                : v.stream().map(Tta::toString).collect(Collectors.joining("+"))).toList();
    }

    /** View {@code v} of {@code n} planar images of {@code channels x height x width} (a new array). */
    public float[] view(int v, float[] nchw, int n, int channels, int height, int width) {
        Set<Tta> flips = views.get(v);
        boolean h = flips.contains(Tta.HFLIP);
        boolean vertical = flips.contains(Tta.VFLIP);
        float[] out = new float[nchw.length];
        int planes = n * channels;
        for (int p = 0; p < planes; p++) {
            int base = p * height * width;
            for (int y = 0; y < height; y++) {
                int from = base + (vertical ? height - 1 - y : y) * width;
                int to = base + y * width;
                for (int x = 0; x < width; x++) {
                    out[to + x] = nchw[from + (h ? width - 1 - x : x)];
                }
            }
        }
        return out;
    }

    /** View {@code v} of an NCHW batch (the batch itself for the identity view). */
    public INDArray view(int v, INDArray nchw) {
        if (views.get(v).isEmpty()) {
            return nchw;
        }
        long[] shape = nchw.shape();
        float[] flipped = view(v, nchw.dup('c').data().asFloat(), (int) shape[0], (int) shape[1], (int) shape[2],
                (int) shape[3]);
        return Nd4j.create(flipped, shape, 'c');
    }

    /** Every view's output of {@code model} on {@code nchw}, identity first. */
    public List<float[][]> outputs(UnaryOperator<INDArray> model, INDArray nchw) {
        List<float[][]> out = new ArrayList<>(views.size());
        for (int v = 0; v < views.size(); v++) {
            out.add(model.apply(view(v, nchw)).toFloatMatrix());
        }
        return out;
    }

    /** The element-wise mean of the views' outputs (the one view itself when there is no augmentation). */
    public static float[][] mean(List<float[][]> perView) {
        if (perView.size() == 1) {
            return perView.get(0);
        }
        float[][] first = perView.get(0);
        float[][] mean = new float[first.length][first.length == 0 ? 0 : first[0].length];
        for (float[][] view : perView) {
            for (int i = 0; i < mean.length; i++) {
                for (int j = 0; j < mean[i].length; j++) {
                    mean[i][j] += view[i][j];
                }
            }
        }
        for (float[] row : mean) {
            for (int j = 0; j < row.length; j++) {
                row[j] /= perView.size();
            }
        }
        return mean;
    }
}
