package dev.graft.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.graft.GraftException;
import dev.graft.backbone.Backbone;
import dev.graft.backbone.BackboneLoader;
import dev.graft.backbone.ClassLabels;
import dev.graft.backbone.Prediction;
import dev.graft.backbone.ReferencePreprocessor;
import dev.graft.backbone.WeightStore;
import dev.graft.config.Arch;
import dev.graft.run.NativeBackend;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code graft classify}: top-k classes of images under a pretrained backbone's own classifier. */
@Command(name = "classify", mixinStandardHelpOptions = true,
        description = {"Classify images with a pretrained backbone's own classifier.",
                "Images are preprocessed as torchvision's reference evaluation (resize shorter side, centre crop, ImageNet mean/std;"
                + " CIFAR models: resize to 32x32), or as a Hugging Face model's preprocessor_config.json says."})
final class ClassifyCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ClassifyCommand.class);
    private static final int BATCH = 16;

    @Spec
    CommandSpec spec;

    @Option(names = "--arch", paramLabel = "ARCH",
            description = "Architecture (see 'graft backbones'); optional for a Hugging Face folder or Hub id.")
    String arch;

    @Option(names = "--weights", required = true, paramLabel = "WEIGHTS",
            description = "imagenet | imagenet_v1 | imagenet_v2 | a .pth/.th/.safetensors file | a Hugging Face"
                    + " folder | a Hub id (microsoft/resnet-50, hf://org/name@revision) | a Graft DL4J .zip")
    String weights;

    @Option(names = "--labels", paramLabel = "LABELS",
            description = "imagenet | cifar10 | a file with one name per line (default: from the weights).")
    String labels;

    @Option(names = "--top", paramLabel = "K", defaultValue = "5",
            description = "How many classes to show per image (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--json", description = "JSON output: per image the top-k labels, probabilities and logits.")
    boolean json;

    @Option(names = "--all-logits", description = "With --json: also every raw logit of each image.")
    boolean allLogits;

    @Option(names = "--no-cache", description = "Neither read nor write the converted-graph cache.")
    boolean noCache;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files (JPEG, PNG, GIF, BMP).")
    List<Path> images;

    @Override
    public Integer call() throws Exception {
        if (top < 1) {
            throw GraftException.usage("--top must be >= 1 (was " + top + ")");
        }
        Arch architecture = arch == null ? null : Arch.byId(arch).orElseThrow(() -> GraftException.usage(
                "unknown --arch '" + arch + "'; choose one of " + Arch.ids()));
        LOG.info(NativeBackend.info().summary());
        Backbone backbone = load(architecture);
        if (backbone.stages().classifierVertex().isEmpty()) {
            throw new GraftException("the weights " + weights + " have no classifier (fc): classify needs one");
        }
        List<String> names = ClassLabels.resolve(labels, backbone);
        ReferencePreprocessor preprocessor = new ReferencePreprocessor(backbone.input());
        List<Map<String, Object>> results = new ArrayList<>();
        for (int from = 0; from < images.size(); from += BATCH) {
            List<Path> batch = images.subList(from, Math.min(images.size(), from + BATCH));
            INDArray logits = backbone.logits(preprocessor.batch(batch));
            for (int i = 0; i < batch.size(); i++) {
                float[] row = logits.getRow(i).toFloatVector();
                results.add(result(batch.get(i), row, Prediction.topK(row, names, top)));
            }
        }
        print(backbone, results);
        return 0;
    }

    private Backbone load(Arch architecture) {
        return new BackboneLoader(WeightStore.fromEnvironment(), !noCache, 0).load(architecture, weights);
    }

    private Map<String, Object> result(Path image, float[] logits, List<Prediction> predictions) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("image", image.toString());
        r.put("top", predictions);
        if (allLogits) {
            r.put("logits", logits);
        }
        return r;
    }

    @SuppressWarnings("unchecked")
    private void print(Backbone backbone, List<Map<String, Object>> results) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("arch", backbone.spec().name());
            doc.put("weights", weights);
            doc.put("input", backbone.input());
            doc.put("images", results);
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
        } else {
            for (Map<String, Object> r : results) {
                out.println(r.get("image"));
                for (Prediction p : (List<Prediction>) r.get("top")) {
                    out.printf(Locale.ROOT, "  %d. %-30s %6.2f%%  (logit %.4f, class %d)%n", p.rank(), p.label(),
                            100 * p.probability(), p.logit(), p.index());
                }
            }
        }
        out.flush();
    }
}
