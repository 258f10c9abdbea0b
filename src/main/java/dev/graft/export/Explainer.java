package dev.graft.export;

import dev.graft.GraftException;
import dev.graft.backbone.Stage;
import dev.graft.backbone.Stages;
import dev.graft.config.Arch;
import dev.graft.model.GradCam;
import dev.graft.model.Heatmap;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link Classifier#explain}'s work on a bundle's (folded) DL4J model: finds the stage from the bundle's
 * architecture, runs the image, computes {@link GradCam} and brings the map to the input's size. One
 * {@link GradCam} per stage is built on first use and kept.
 */
final class Explainer {
    private final Bundle bundle;
    private final Dl4jEngine engine;
    private final Stages stages;
    private final int size;
    private final Map<String, GradCam> byStage = new ConcurrentHashMap<>();

    Explainer(Bundle bundle, Dl4jEngine engine) {
        this.bundle = bundle;
        this.engine = engine;
        Arch arch = bundle.manifest() == null ? null : Arch.byId(bundle.manifest().arch()).orElse(null);
        if (arch == null) {
            throw GraftException.usage(bundle.source() + ": Grad-CAM needs the model's architecture, which "
                    + Bundle.MANIFEST + (bundle.manifest() == null ? " would name; the bundle has none"
                    : " names as '" + bundle.manifest().arch() + "', not one of " + Arch.ids())
                    + "; export the run again with 'graft export RUN_DIR'");
        }
        this.stages = Stages.of(arch);
        this.size = bundle.preprocessing().imageSize();
    }

    List<String> stages() {
        return stages.names();
    }

    /** Grad-CAM of one preprocessed image ({@code 3 x size x size}, normalised). */
    Explanation explain(float[] input, String className, String stageName) {
        Stage stage = stage(stageName);
        GradCam cam = byStage.computeIfAbsent(stage.name(), s -> engine.withModel(model ->
                GradCam.of(model, stage.endVertex(), size)));
        INDArray x = Nd4j.create(input, new long[] {1, 3, size, size}, 'c');
        INDArray[] run = engine.withModel(model -> forward(model, x, stage.endVertex()));
        float[] probabilities = run[1].toFloatVector();
        int c = classIndex(className, probabilities);
        GradCam.Result result = cam.explain(run[0], c);
        float[][] map = Heatmap.onImage(result.map(), stage.reduction(), size);
        return new Explanation(bundle.labels().get(c), c, probabilities[c], stage.name(), map,
                bundle.preprocessing().normalization().image(input, size));
    }

    /** The explained vertex's activation and the class probabilities. */
    private static INDArray[] forward(ComputationGraph model, INDArray x, String vertex) {
        Map<String, INDArray> activations = model.feedForward(x, false);
        String output = model.getConfiguration().getNetworkOutputs().get(0);
        return new INDArray[] {activations.get(vertex).dup(), activations.get(output).dup()};
    }

    private Stage stage(String name) {
        if (name == null) {
            return stages.list().get(stages.list().size() - 1);
        }
        if (!stages.names().contains(name)) {
            throw GraftException.usage("unknown stage '" + name + "'; this model's stages: "
                    + String.join(", ", stages.names()));
        }
        return stages.get(name);
    }

    private int classIndex(String className, float[] probabilities) {
        if (className == null) {
            int best = 0;
            for (int i = 1; i < probabilities.length; i++) {
                best = probabilities[i] > probabilities[best] ? i : best; // ties: the first, as Prediction ranks
            }
            return best;
        }
        int index = bundle.labels().indexOf(className);
        if (index < 0) {
            throw GraftException.usage("unknown class '" + className + "'; the model's classes: "
                    + String.join(", ", bundle.labels()));
        }
        return index;
    }
}
