package dev.graft.export;

import dev.graft.config.EvaluationConfig;
import dev.graft.model.TestTimeAugmentation;

import java.util.ArrayList;
import java.util.List;

/**
 * An engine whose outputs are averaged over the bundle's test-time augmentation views ({@code bundle.json}'s
 * {@code tta}), so a service returns what training's final evaluation scored.
 */
final class TtaEngine implements InferenceEngine {
    private final InferenceEngine model;
    private final TestTimeAugmentation tta;
    private final int size;

    private TtaEngine(InferenceEngine model, TestTimeAugmentation tta, int size) {
        this.model = model;
        this.tta = tta;
        this.size = size;
    }

    /** {@code model} itself when {@code flips} is empty, else the averaging engine around it. */
    static InferenceEngine wrap(InferenceEngine model, List<EvaluationConfig.Tta> flips, int size) {
        TestTimeAugmentation tta = TestTimeAugmentation.of(flips);
        return tta.enabled() ? new TtaEngine(model, tta, size) : model;
    }

    /** The model an engine runs, without test-time augmentation around it. */
    static InferenceEngine base(InferenceEngine engine) {
        return engine instanceof TtaEngine tta ? tta.model : engine;
    }

    @Override
    public float[][] probabilities(float[] batch, int n) {
        List<float[][]> views = new ArrayList<>(tta.viewCount());
        for (int v = 0; v < tta.viewCount(); v++) {
            views.add(model.probabilities(v == 0 ? batch : tta.view(v, batch, n, 3, size, size), n));
        }
        return TestTimeAugmentation.mean(views);
    }

    @Override
    public void close() {
        model.close();
    }
}
