package dev.graft.train;

import dev.graft.run.RunDirectory;
import dev.graft.config.ExperimentConfig;
import dev.graft.data.Split;
import dev.graft.metrics.LabelScores;
import dev.graft.metrics.RegressionMetrics;
import dev.graft.run.CheckpointFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's galleries (issue 18), for validation and, when scored, test: single-label runs show the most
 * confident mistakes, the highest-loss images and a few confidently correct images per class; multi-label runs the
 * highest-loss images; regression runs the largest errors. Each image comes with its Grad-CAM overlay on the best
 * checkpoint, its true and predicted answer and probability. Rows come from the run's
 * {@code <split>-predictions.csv}; pictures are embedded as data URIs, so the report stays one file.
 */
final class GalleryReport {
    /** Images per gallery. */
    static final int PER_GALLERY = 8;
    /** Correct images shown per class, for at most {@link #CORRECT_CLASSES} classes. */
    static final int CORRECT_PER_CLASS = 2;
    static final int CORRECT_CLASSES = 12;
    /** A multi-label prediction lists the labels at or above this probability when no thresholds were tuned. */
    static final double LABEL_THRESHOLD = 0.5;
    /** The galleries' layout, added to the report's style sheet. */
    static final String CSS = ".gallery{display:flex;flex-wrap:wrap;gap:10px}.gallery figure{margin:0;width:226px;"
            + "border:1px solid #ddd;padding:4px}.gallery img{width:110px;height:110px;object-fit:contain;"
            + "background:#eee}.gallery img.px{image-rendering:pixelated}.gallery figcaption{font-size:12px;"
            + "line-height:1.35;word-break:break-all}.bad{color:#b00}";
    private static final Logger LOG = LoggerFactory.getLogger(GalleryReport.class);

    private final Path runFolder;
    private final ExperimentConfig config;
    private final Path checkpoint;
    private int rendered;

    /** Galleries of the run in {@code runFolder}, explained on {@code checkpoint} (the best one). */
    GalleryReport(Path runFolder, ExperimentConfig config, Path checkpoint) {
        this.runFolder = runFolder;
        this.config = config;
        this.checkpoint = checkpoint;
    }

    /** The galleries' HTML; empty when final evaluation wrote no predictions file. */
    String html() {
        List<Split> splits = List.of(Split.VAL, Split.TEST).stream()
                .filter(s -> Files.isRegularFile(predictions(s))).toList();
        if (splits.isEmpty()) {
            return "";
        }
        long start = System.nanoTime();
        GradCamThumbnails thumbnails = GradCamThumbnails.of(CheckpointFile.readInferenceModel(checkpoint), config);
        boolean regression = config.head().problem() == dev.graft.config.HeadConfig.Problem.REGRESSION;
        StringBuilder h = new StringBuilder("<h2 id='galleries'>Galleries</h2><p>Left: the image as the model "
                + "saw it (resized, cropped); right: Grad-CAM of the ").append(thumbnails.stage())
                .append(" output on <code>").append(RunReport.esc(String.valueOf(checkpoint.getFileName())))
                .append(regression ? "</code> for the predicted value (red: what raises it most). "
                        + "Values as in " : "</code> for the class named under it (red: strongest evidence for "
                        + "it). Probabilities as in ").append("<code>&lt;split&gt;-predictions.csv</code>.</p>");
        for (Split split : splits) {
            PredictionsFile file = PredictionsFile.read(predictions(split));
            List<Gallery> galleries = switch (config.head().problem()) {
                case SINGLE_LABEL -> singleLabel(file);
                case MULTI_LABEL -> multiLabel(file, TargetReport.labelThresholds(runFolder.resolve(split.id()
                        + "-metrics.json"), file.suffixes("p_").size()));
                case REGRESSION -> regression(file);
            };
            Map<String, String> pictures = pictures(thumbnails, file, galleries);
            galleries.forEach(g -> append(h, split, g, file, pictures));
        }
        LOG.info(String.format(Locale.ROOT, "report galleries: %d Grad-CAM overlays in %.1f s", rendered,
                (System.nanoTime() - start) / 1e9));
        return h.toString();
    }

    /** One image of a gallery: its row in the predictions file, the output its Grad-CAM explains, the caption. */
    private record Card(int row, int explained, String caption) {
        String key() {
            return row + ":" + explained;
        }
    }

    private record Gallery(String title, String how, List<Card> cards) {
    }

    private Path predictions(Split split) {
        return RunDirectory.predictionsCsv(runFolder, split.id());
    }

    private static List<Gallery> singleLabel(PredictionsFile file) {
        List<PredictionsFile.Labelled> rows = file.labelled();
        List<String> classes = file.suffixes("p_");
        String decided = file.header().contains("decision") ? "decided (at the threshold)" : "predicted";
        return List.of(
                new Gallery("Most confident mistakes", "wrongly " + decided + ", highest probability of the wrong "
                        + "class first", labelled(GalleryPicks.confidentMistakes(rows, PER_GALLERY), classes)),
                new Gallery("Highest loss", "largest log loss of the true class first",
                        labelled(GalleryPicks.highestLoss(rows, PER_GALLERY), classes)),
                new Gallery("Correct examples", String.format(Locale.ROOT, "up to %d per class, most confident "
                                + "first%s", CORRECT_PER_CLASS, classes.size() > CORRECT_CLASSES ? " (first "
                                + CORRECT_CLASSES + " classes)" : ""),
                        labelled(GalleryPicks.confidentCorrect(rows, CORRECT_PER_CLASS, CORRECT_CLASSES), classes)));
    }

    /** Cards explaining the class each row was decided as. */
    private static List<Card> labelled(List<PredictionsFile.Labelled> rows, List<String> classes) {
        return rows.stream().map(r -> new Card(r.row(), r.decided(), String.format(Locale.ROOT,
                "true <b>%s</b><br>predicted <b%s>%s</b> %.3f<br>p(true) %.3f, loss %.3f<br>Grad-CAM: %s",
                RunReport.esc(classes.get(r.label())), r.correct() ? "" : " class='bad'",
                RunReport.esc(classes.get(r.decided())), r.probabilities()[r.decided()],
                r.probabilities()[r.label()], r.loss(), RunReport.esc(classes.get(r.decided()))))).toList();
    }

    /** @param thresholds each label's decision threshold; null when none were tuned (then {@value #LABEL_THRESHOLD}) */
    private static List<Gallery> multiLabel(PredictionsFile file, double[] thresholds) {
        LabelScores scores = file.labelScores();
        List<String> labels = file.suffixes("p_");
        double[] decide = thresholds != null ? thresholds : java.util.stream.DoubleStream.generate(
                () -> LABEL_THRESHOLD).limit(labels.size()).toArray();
        List<Card> cards = GalleryPicks.highestLoss(scores, PER_GALLERY).stream()
                .map(i -> multiLabelCard(i, scores, labels, decide)).toList();
        return List.of(new Gallery("Highest loss", "largest binary cross-entropy summed over the known labels "
                + "first; Grad-CAM of the label that contributes most; predicted: the labels at or above "
                + (thresholds != null ? "their tuned thresholds" : "p " + LABEL_THRESHOLD), cards));
    }

    private static Card multiLabelCard(int row, LabelScores scores, List<String> labels, double[] thresholds) {
        StringBuilder truth = new StringBuilder();
        StringBuilder predicted = new StringBuilder();
        for (int j = 0; j < labels.size(); j++) {
            if (scores.targets()[row][j] >= 0.5f) {
                truth.append(truth.isEmpty() ? "" : ", ").append(RunReport.esc(labels.get(j)));
            }
            double p = scores.probabilities()[row][j];
            if (p >= thresholds[j]) {
                predicted.append(predicted.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%s %.2f",
                        RunReport.esc(labels.get(j)), p));
            }
        }
        int explained = GalleryPicks.worstLabel(scores, row);
        return new Card(row, explained, String.format(Locale.ROOT, "true <b>%s</b><br>predicted <b>%s</b><br>"
                        + "loss %.3f<br>Grad-CAM: %s (p %.3f, threshold %.4f)", truth.isEmpty() ? "none" : truth,
                predicted.isEmpty() ? "none" : predicted, GalleryPicks.loss(scores, row),
                RunReport.esc(labels.get(explained)), scores.probabilities()[row][explained], thresholds[explained]));
    }

    private static List<Gallery> regression(PredictionsFile file) {
        RegressionMetrics.Values v = file.values();
        List<Card> cards = GalleryPicks.largestErrors(v, PER_GALLERY).stream().map(i -> new Card(i, 0,
                String.format(Locale.ROOT, "true <b>%.4g</b><br>predicted <b>%.4g</b><br>error %+.4g", v.actual()[i],
                        v.predicted()[i], v.predicted()[i] - v.actual()[i]))).toList();
        return List.of(new Gallery("Largest errors", "largest |predicted - true| first; Grad-CAM of the output",
                cards));
    }

    /** Each distinct (image, explained output) of the galleries drawn once: its pictures' HTML by card key. */
    private Map<String, String> pictures(GradCamThumbnails thumbnails, PredictionsFile file, List<Gallery> galleries) {
        Map<String, GradCamThumbnails.Request> requests = new LinkedHashMap<>();
        galleries.forEach(g -> g.cards().forEach(c -> requests.putIfAbsent(c.key(),
                new GradCamThumbnails.Request(Path.of(file.path(c.row())), c.explained()))));
        List<GradCamThumbnails.Outcome> outcomes = thumbnails.render(List.copyOf(requests.values()));
        Map<String, String> out = new HashMap<>();
        int i = 0;
        for (String key : requests.keySet()) {
            GradCamThumbnails.Outcome o = outcomes.get(i++);
            if (o.thumbnail() == null) {
                out.put(key, "<p class='bad'>image unreadable: " + RunReport.esc(o.problem()) + "</p>");
                continue;
            }
            rendered++;
            GradCamThumbnails.Thumbnail t = o.thumbnail();
            String css = t.mime().equals("image/png") ? " class='px'" : "";
            out.put(key, img(t.mime(), t.picture(), css, "image") + img(t.mime(), t.overlay(), css, "Grad-CAM"));
        }
        return out;
    }

    private static void append(StringBuilder h, Split split, Gallery g, PredictionsFile file,
                               Map<String, String> pictures) {
        h.append("<h3>").append(g.title()).append(" (").append(split.id()).append(")</h3><p>").append(g.how())
                .append("</p>");
        if (g.cards().isEmpty()) {
            h.append("<p><i>none</i></p>");
            return;
        }
        h.append("<div class='gallery'>");
        for (Card c : g.cards()) {
            String path = file.path(c.row());
            h.append("<figure title='").append(attribute(path)).append("'>").append(pictures.get(c.key()))
                    .append("<figcaption>").append(c.caption()).append("<br><span style='color:#777'>")
                    .append(RunReport.esc(shortName(path))).append("</span></figcaption></figure>");
        }
        h.append("</div>");
    }

    private static String img(String mime, byte[] bytes, String css, String alt) {
        return "<img" + css + " alt='" + alt + "' src='data:" + mime + ";base64,"
                + Base64.getEncoder().encodeToString(bytes) + "'>";
    }

    /** The file name with its folder ({@code circle/0012.png}): enough to find it, short enough to read. */
    static String shortName(String path) {
        Path p = Path.of(path);
        int n = p.getNameCount();
        return n >= 2 ? p.subpath(n - 2, n).toString() : path;
    }

    private static String attribute(String s) {
        return RunReport.esc(s).replace("'", "&#39;");
    }
}
