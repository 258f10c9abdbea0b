package dev.graft.data;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.graft.AtomicFiles;
import dev.graft.config.Augmentation;
import dev.graft.config.DataConfig;
import dev.graft.config.Seeds;

import java.io.IOException;
import java.nio.file.Path;
import dev.graft.config.HeadConfig.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code data-report.json} holds: layout, classes, per split and class the image counts, skipped files
 * and size/mode statistics, every skipped file with its reason, class weights, sampler, transforms, seeds and
 * the dataset fingerprint; with {@code data.split.group}, the groups per split and how many sit in more than one. {@link #table()} renders the same for a terminal.
 */
public record DataReport(String layout, String problem, Map<String, String> sources, List<String> classes,
                         Map<String, SplitSummary> splits, List<SkippedFile> skipped, Balance balance,
                         Transform transform, Map<String, Long> seeds, String fingerprint,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Groups groups) {

    /**
     * One split: totals, per-class breakdown (multi-label: per label, the images that have it), statistics over
     * all its images and, for a regression head, the target's distribution.
     */
    public record SplitSummary(int images, int skipped, Map<String, ClassSummary> classes, ImageStats stats,
                               @JsonInclude(JsonInclude.Include.NON_NULL) TargetSummary target) {
    }

    /**
     * One class within a split; for a multi-label head, one label: the images that have it, and how many leave it
     * unknown (an uncertain cell under {@code uncertain: ignore}).
     */
    public record ClassSummary(int images, int skipped, ImageStats stats,
                               @JsonInclude(JsonInclude.Include.NON_NULL) Integer unknown) {
    }

    /** A regression target's distribution in one split, in the target's units. */
    public record TargetSummary(double mean, double std, double min, double max) {
        static TargetSummary of(List<ImageEntry> entries) {
            double[] values = entries.stream().mapToDouble(e -> e.target()[0]).toArray();
            java.util.DoubleSummaryStatistics stats = java.util.Arrays.stream(values).summaryStatistics();
            double variance = java.util.Arrays.stream(values).map(v -> (v - stats.getAverage()) * (v - stats.getAverage()))
                    .sum() / Math.max(1, values.length);
            return values.length == 0 ? new TargetSummary(Double.NaN, Double.NaN, Double.NaN, Double.NaN)
                    : new TargetSummary(stats.getAverage(), Math.sqrt(variance), stats.getMin(), stats.getMax());
        }
    }

    /**
     * Class-balance settings and their effect.
     *
     * @param classWeights     {@code none}, {@code auto} or {@code explicit}
     * @param weights          class to loss weight; empty for none
     * @param sampler          {@code shuffle} or {@code balanced}
     * @param epochSize        training samples per epoch
     * @param samplesPerEpoch  class to training samples per epoch
     */
    public record Balance(String classWeights, Map<String, Float> weights, String sampler, int epochSize,
                          Map<String, Integer> samplesPerEpoch) {
    }

    /** The tensor pipeline's settings. */
    public record Transform(int imageSize, double cropRatio, int evalResizeShorterSide, List<Augmentation> augment,
                            float[] mean, float[] std, int workers, int prefetchBatches) {
    }

    static DataReport of(DataPipeline pipeline, DataConfig config, long seed) {
        ImageDataset dataset = pipeline.dataset();
        List<SkippedFile> skipped = new ArrayList<>(dataset.skipped());
        skipped.addAll(pipeline.loadFailures());
        Map<String, SplitSummary> splits = new LinkedHashMap<>();
        for (Split split : Split.values()) {
            if (dataset.has(split) || split == Split.TRAIN) {
                splits.put(split.id(), summarise(dataset, split, skipped));
            }
        }
        List<String> classes = dataset.classes();
        float[] weights = pipeline.classWeights();
        Map<String, Float> weightMap = new LinkedHashMap<>();
        for (int c = 0; weights != null && c < classes.size(); c++) {
            weightMap.put(classes.get(c), weights[c]);
        }
        int[] perEpoch = new int[classes.size()];
        List<ImageEntry> train = dataset.entries(Split.TRAIN);
        int[] order = pipeline.trainOrder().order(0);
        for (int index : order) {
            perEpoch[train.get(index).label()]++;
        }
        Map<String, Integer> perEpochMap = new LinkedHashMap<>();
        for (int c = 0; c < classes.size() && dataset.problem() == Problem.SINGLE_LABEL; c++) {
            perEpochMap.put(classes.get(c), perEpoch[c]);
        }
        Balance balance = new Balance(config.classWeights().mode().name().toLowerCase(java.util.Locale.ROOT),
                weightMap, config.sampler().toString(), order.length, perEpochMap);
        int size = pipeline.imageSize();
        Transform transform = new Transform(size, config.cropRatio(),
                Math.max(size, (int) Math.round(size / config.cropRatio())), config.augment(),
                pipeline.normalization().mean(), pipeline.normalization().std(), pipeline.workers(), config.prefetch());
        Map<String, Long> seeds = new LinkedHashMap<>();
        seeds.put("root", seed);
        for (String concern : List.of("split", "shuffle", "sampler", "augment")) {
            seeds.put(concern, Seeds.derive(seed, concern));
        }
        return new DataReport(dataset.layout(), dataset.problem().toString(), dataset.sources(), classes, splits,
                skipped, balance, transform,
                seeds, dataset.fingerprint(), dataset.groups());
    }

    private static SplitSummary summarise(ImageDataset dataset, Split split, List<SkippedFile> skipped) {
        List<ImageEntry> entries = dataset.entries(split);
        Map<String, ClassSummary> perClass = new LinkedHashMap<>();
        int skippedTotal = 0;
        boolean multiLabel = dataset.problem() == Problem.MULTI_LABEL;
        for (int c = 0; c < dataset.classes().size(); c++) {
            String name = dataset.classes().get(c);
            int label = c;
            List<ImageInfo> infos = entries.stream().filter(e -> has(e, label, dataset.problem()))
                    .map(ImageEntry::info).toList();
            int bad = (int) skipped.stream().filter(s -> split.id().equals(s.split()) && name.equals(s.label())).count();
            skippedTotal += bad;
            Integer unknown = multiLabel ? (int) entries.stream().filter(e -> Float.isNaN(e.target()[label])).count()
                    : null;
            perClass.put(name, new ClassSummary(infos.size(), bad, ImageStats.of(infos), unknown));
        }
        TargetSummary target = dataset.problem() == Problem.REGRESSION ? TargetSummary.of(entries) : null;
        return new SplitSummary(entries.size(), skippedTotal, perClass,
                ImageStats.of(entries.stream().map(ImageEntry::info).toList()), target);
    }

    /** Whether {@code entry} counts for output {@code c}: its class, its label present, or (regression) always. */
    private static boolean has(ImageEntry entry, int c, Problem problem) {
        return switch (problem) {
            case SINGLE_LABEL -> entry.label() == c;
            case MULTI_LABEL -> entry.target()[c] == 1f;
            case REGRESSION -> true;
        };
    }

    /** Writes the report as pretty-printed JSON (atomically). */
    public void write(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(SerializationFeature.INDENT_OUTPUT);
        AtomicFiles.writeString(file, json.writeValueAsString(this) + "\n");
    }

    /** The report as terminal lines. */
    public List<String> table() {
        return ReportTable.render(this);
    }
}
