package dev.graft.export;

import dev.graft.GraftException;
import dev.graft.config.HeadConfig;
import dev.graft.model.InferenceGraph;
import dev.graft.data.EvalPreprocessor;
import dev.graft.data.ImageHeader;
import dev.graft.data.UnreadableImageException;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A trained Graft model loaded from an exported bundle, for use inside a service:
 * <pre>{@code
 * try (Classifier classifier = Classifier.load(Path.of("experiments/skin/20250101-120000/export"))) {
 *     Prediction p = classifier.predict(Path.of("lesion.jpg"));
 *     System.out.println(p.label() + " " + p.probability() + " " + p.top(3));
 *     p.decision().ifPresent(d -> System.out.println(d.label() + " at threshold " + d.threshold()));
 * }
 * }</pre>
 * Probabilities are the calibrated ones when the bundle has a temperature (it is folded into the model); a binary
 * bundle with a decision threshold adds a {@link Decision} to each {@link Prediction}. A multi-label bundle's
 * prediction holds every label's probability and the labels at or above their thresholds
 * ({@link Prediction#present()}); a regression bundle's the value in the target's units ({@link Prediction#value()}).
 * Images go through training's own evaluation transform ({@link Preprocessing}, applied by the data package's
 * {@link EvalPreprocessor}): the same decoder, resize, centre crop and mean/std. Thread-safe: one instance
 * serves any number of threads (the DL4J engine runs one batch at a time; ONNX Runtime runs them concurrently).
 */
public final class Classifier implements AutoCloseable {
    /** Largest number of images run through the model at once; longer lists are split. */
    public static final int MAX_BATCH = 32;
    /** Default of {@link #maxPixels()}: 50 megapixels (a 1 MB PNG can declare 400 and decode to 1.2 GB). */
    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;

    /** Which model file of the bundle runs. */
    public enum Engine {
        /** {@code model.zip} in Deeplearning4j: the trained model itself. */
        DL4J,
        /** {@code model.onnx} in ONNX Runtime. */
        ONNX;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Bundle bundle;
    private final Engine engine;
    private final InferenceEngine runner;
    private final EvalPreprocessor preprocessor;
    private final long maxPixels;
    private final java.time.Duration loadTime;
    private Explainer explainer;

    private Classifier(Bundle bundle, Engine engine, InferenceEngine runner, long maxPixels,
                       java.time.Duration loadTime) {
        this.bundle = bundle;
        this.loadTime = loadTime;
        this.engine = engine;
        this.runner = runner;
        this.preprocessor = bundle.preprocessing().preprocessor();
        this.maxPixels = maxPixels;
    }

    /** How long {@link #load} took: reading the bundle and building its model. */
    public java.time.Duration loadTime() {
        return loadTime;
    }

    /** Loads a bundle folder or {@code .zip} with its DL4J model, or its ONNX model when it has no DL4J one. */
    public static Classifier load(Path bundle) {
        return load(bundle, null);
    }

    /**
     * Loads a bundle folder or {@code .zip} with the given engine (null: DL4J when the bundle has it).
     *
     * @throws GraftException (usage) for a missing or incomplete bundle, or one without the engine's model file
     */
    public static Classifier load(Path path, Engine engine) {
        return load(path, engine, DEFAULT_MAX_PIXELS);
    }

    /**
     * Loads a bundle with the given engine (null: DL4J when the bundle has it), refusing encoded images whose header
     * declares more than {@code maxPixels} pixels ({@link ImageTooLargeException}) before decoding them.
     *
     * @throws GraftException (usage) for a missing or incomplete bundle, or one without the engine's model file
     */
    public static Classifier load(Path path, Engine engine, long maxPixels) {
        if (maxPixels < 1) {
            throw GraftException.usage("the pixel limit must be >= 1 (was " + maxPixels + ")");
        }
        long start = System.nanoTime();
        Bundle bundle = Bundle.open(path);
        Engine chosen = engine != null ? engine : bundle.has(Bundle.DL4J_MODEL) ? Engine.DL4J : Engine.ONNX;
        String file = chosen == Engine.DL4J ? Bundle.DL4J_MODEL : Bundle.ONNX_MODEL;
        if (!bundle.has(file)) {
            throw GraftException.usage(path + " has no " + file + " for the " + chosen + " engine; re-export with "
                    + "--format " + chosen);
        }
        int size = bundle.preprocessing().imageSize();
        InferenceEngine model = chosen == Engine.DL4J
                ? new Dl4jEngine(InferenceGraph.fold(restore(bundle, path)), size)
                : new OnnxEngine(bundle.read(Bundle.ONNX_MODEL), size);
        InferenceEngine runner = TtaEngine.wrap(model, bundle.tta(), size);
        Classifier classifier = new Classifier(bundle, chosen, runner, maxPixels,
                java.time.Duration.ofNanos(System.nanoTime() - start));
        classifier.checkOutputs();
        return classifier;
    }

    private static ComputationGraph restore(Bundle bundle, Path path) {
        try {
            return ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bundle.read(Bundle.DL4J_MODEL)),
                    false);
        } catch (IOException e) {
            throw corruptModel(path, e);
        } catch (RuntimeException e) {
            // DL4J reports a zip without a model as IllegalStateException, a cut-short or garbled entry as a
            // RuntimeException around the IOException; anything else is a bug and keeps its type.
            if (e instanceof IllegalStateException || e.getCause() instanceof IOException) {
                throw corruptModel(path, e);
            }
            throw e;
        }
    }

    private static GraftException corruptModel(Path path, Exception e) {
        String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return new GraftException(path + ": " + Bundle.DL4J_MODEL + " is not a readable DL4J model (" + why
                + "); export the bundle again, or use --engine onnx if it has " + Bundle.ONNX_MODEL,
                GraftException.USAGE, e);
    }

    /** One pass on a blank image: warms the engine up and checks that it has one output per label. */
    private void checkOutputs() {
        float[][] p = runner.probabilities(new float[preprocessor.length()], 1);
        if (p[0].length != labels().size()) {
            close();
            throw GraftException.usage(bundle.source() + ": the model has " + p[0].length + " outputs but "
                    + Bundle.LABELS + " lists " + labels().size() + " names");
        }
    }

    /** The model's head: single-label (softmax), multi-label (a sigmoid per label) or regression (one value). */
    public HeadConfig.Problem problem() {
        return bundle.problem();
    }

    /**
     * A multi-label bundle's decision thresholds, label to threshold in label order (a label is present when its
     * probability is {@code >=} its threshold); empty for other bundles.
     */
    public Map<String, Double> labelThresholds() {
        return bundle.problem() == HeadConfig.Problem.MULTI_LABEL ? bundle.decisionRule().labelThresholds() : Map.of();
    }

    /** Class names in the order of the model's outputs (multi-label: the labels; regression: the target). */
    public List<String> labels() {
        return bundle.labels();
    }

    /** How images are prepared for the model. */
    public Preprocessing preprocessing() {
        return bundle.preprocessing();
    }

    /** The bundle's manifest (null for a bundle without one). */
    public BundleManifest manifest() {
        return bundle.manifest();
    }

    /**
     * The calibration temperature folded into the bundle's model (1 when uncalibrated): the probabilities
     * returned are already softmax(logits / temperature).
     */
    public double temperature() {
        return bundle.manifest() == null ? 1.0 : bundle.manifest().temperature();
    }

    /** The bundle's binary decision rule (positive class and threshold), empty when it has none. */
    public Optional<BundleManifest.Threshold> decisionThreshold() {
        return Optional.ofNullable(bundle.manifest() == null ? null : bundle.manifest().decision());
    }

    /** Largest image (width x height from its header) accepted as a file or encoded bytes. */
    public long maxPixels() {
        return maxPixels;
    }

    /** The engine running the model. */
    public Engine engine() {
        return engine;
    }

    /** The bundle folder or zip this classifier was loaded from. */
    public Path source() {
        return bundle.source();
    }

    /**
     * @throws InvalidImageException when the file is missing, not an image, truncated or corrupt
     * @throws ImageTooLargeException when its header declares more than {@link #maxPixels()} pixels
     */
    public Prediction predict(Path image) {
        return predictFiles(List.of(image)).get(0);
    }

    /**
     * @throws InvalidImageException when the bytes are empty, not an image, truncated or corrupt
     * @throws ImageTooLargeException when the header declares more than {@link #maxPixels()} pixels
     */
    public Prediction predict(byte[] encodedImage) {
        return predictEncoded(List.of(encodedImage)).get(0);
    }

    /** A decoded image (its RGB channels; alpha is ignored). */
    public Prediction predict(BufferedImage image) {
        return predictImages(List.of(image)).get(0);
    }

    /** Image files, run in batches of up to {@link #MAX_BATCH}; fails on the first unreadable one. */
    public List<Prediction> predictFiles(List<Path> images) {
        return predictAll(images, file -> preprocessor.file(withinLimit(file)));
    }

    /** Encoded images (file contents), run in batches of up to {@link #MAX_BATCH}. */
    public List<Prediction> predictEncoded(List<byte[]> images) {
        return predictAll(images, bytes -> preprocessor.bytes(withinLimit(bytes)));
    }

    /** Decoded images, run in batches of up to {@link #MAX_BATCH}. */
    public List<Prediction> predictImages(List<BufferedImage> images) {
        return predictAll(images, preprocessor::image);
    }

    /**
     * Outputs (probabilities; a regression model's value) for already preprocessed images: {@code n} planar {@code 3 x size x size} normalised images
     * in one array, as {@link Preprocessing} describes.
     */
    public float[][] probabilities(float[] batch, int n) {
        if (n < 1 || batch.length != n * preprocessor.length()) {
            throw new IllegalArgumentException("need " + n + " x " + preprocessor.length() + " floats, got "
                    + batch.length);
        }
        return runner.probabilities(batch, n);
    }

    /**
     * One encoded image decoded and preprocessed as the model takes it ({@link Preprocessing}): a planar
     * {@code 3 x size x size} normalised image, for {@link #probabilities} (a server batches these itself).
     *
     * @throws InvalidImageException when the bytes are empty, not an image, truncated or corrupt
     * @throws ImageTooLargeException when the header declares more than {@link #maxPixels()} pixels
     */
    public float[] preprocess(byte[] encodedImage) {
        return prepare(bytes -> preprocessor.bytes(withinLimit(bytes)), encodedImage);
    }

    /** Floats of one preprocessed image ({@code 3 x size x size}). */
    public int inputLength() {
        return preprocessor.length();
    }

    /** The prediction for one image's outputs, as {@link #probabilities} returns them. */
    public Prediction prediction(float[] outputs) {
        return new Prediction(bundle.problem(), labels(), outputs, bundle.decisionRule());
    }

    private <T> List<Prediction> predictAll(List<T> images, Function<T, float[]> prepare) {
        List<Prediction> out = new ArrayList<>(images.size());
        int length = preprocessor.length();
        for (int from = 0; from < images.size(); from += MAX_BATCH) {
            int n = Math.min(MAX_BATCH, images.size() - from);
            float[] batch = new float[n * length];
            for (int i = 0; i < n; i++) {
                System.arraycopy(prepare(prepare, images.get(from + i)), 0, batch, i * length, length);
            }
            for (float[] p : runner.probabilities(batch, n)) {
                out.add(new Prediction(bundle.problem(), labels(), p, bundle.decisionRule()));
            }
        }
        return out;
    }

    private static <T> float[] prepare(Function<T, float[]> prepare, T image) {
        try {
            return prepare.apply(image);
        } catch (UnreadableImageException e) {
            throw new InvalidImageException(e.getMessage());
        }
    }

    private byte[] withinLimit(byte[] encoded) {
        checkPixels(ImageHeader.read(encoded, encoded.length), null);
        return encoded;
    }

    private Path withinLimit(Path file) {
        try {
            checkPixels(ImageHeader.read(file), file);
        } catch (IOException e) {
            // missing or unreadable: the preprocessor says so
        }
        return file;
    }

    private void checkPixels(ImageHeader.Size size, Path file) {
        String problem = ImageHeader.tooLarge(size, maxPixels);
        if (problem != null) {
            throw new ImageTooLargeException(file == null ? problem : file + ": " + problem);
        }
    }

    /**
     * Grad-CAM of an image file: where the model found the evidence for {@code className} (null: the predicted class;
     * multi-label: a label, null the most probable one, explained through its own logit)
     * in the output of {@code stage} (null: the last stage, the usual choice). Needs the DL4J engine and a bundle whose
     * {@code bundle.json} names its architecture.
     *
     * @throws InvalidImageException when the file is missing, not an image, truncated or corrupt
     * @throws GraftException        (usage) for an unknown class or stage, or a bundle that cannot be explained
     */
    public Explanation explain(Path image, String className, String stage) {
        return explainer().explain(prepare(file -> preprocessor.file(withinLimit(file)), image), className, stage);
    }

    /** Grad-CAM of encoded image bytes; see {@link #explain(Path, String, String)}. */
    public Explanation explain(byte[] encodedImage, String className, String stage) {
        return explainer().explain(prepare(bytes -> preprocessor.bytes(withinLimit(bytes)), encodedImage), className,
                stage);
    }

    /** Grad-CAM of a decoded image; see {@link #explain(Path, String, String)}. */
    public Explanation explain(BufferedImage image, String className, String stage) {
        return explainer().explain(preprocessor.image(image), className, stage);
    }

    /** The stages {@link #explain} accepts, in forward order. */
    public List<String> explainableStages() {
        return explainer().stages();
    }

    private synchronized Explainer explainer() {
        if (explainer == null) {
            if (bundle.problem() == HeadConfig.Problem.REGRESSION) {
                throw GraftException.usage("Grad-CAM explains classifiers (single- and multi-label) only so far; "
                        + bundle.source() + " holds a regression model");
            }
            if (!(TtaEngine.base(runner) instanceof Dl4jEngine dl4j)) { // Grad-CAM explains the image itself
                throw GraftException.usage("Grad-CAM needs the DL4J model (" + Bundle.DL4J_MODEL + "); load "
                        + bundle.source() + " with the dl4j engine");
            }
            explainer = new Explainer(bundle, dl4j);
        }
        return explainer;
    }

    /** Releases the model (native memory of ND4J or ONNX Runtime). */
    @Override
    public void close() {
        runner.close();
    }
}
