package dev.graft.data;

import dev.graft.GraftException;
import dev.graft.config.DataConfig;
import dev.graft.config.HeadConfig.Problem;
import dev.graft.config.Seeds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A scanned dataset: the class list and, per split, the readable images; plus every file that was skipped and
 * why. Built by {@link #scan}, which reads no pixels for JPEG/PNG (see {@link ImageProbe}), so class counts are
 * exact before training starts. Immutable.
 */
public final class ImageDataset {
    private static final Logger LOG = LoggerFactory.getLogger(ImageDataset.class);

    private final String layout;
    private final Map<String, String> sources;
    private final List<String> classes;
    private final Map<Split, List<ImageEntry>> entries;
    private final List<SkippedFile> skipped;
    private final Groups groups;
    private final Problem problem;

    ImageDataset(String layout, Map<String, String> sources, List<String> classes,
                 Map<Split, List<ImageEntry>> entries, List<SkippedFile> skipped, Groups groups) {
        this(layout, sources, classes, entries, skipped, groups, Problem.SINGLE_LABEL);
    }

    private ImageDataset(String layout, Map<String, String> sources, List<String> classes,
                         Map<Split, List<ImageEntry>> entries, List<SkippedFile> skipped, Groups groups,
                         Problem problem) {
        this.problem = problem;
        this.layout = layout;
        this.sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
        this.classes = List.copyOf(classes);
        Map<Split, List<ImageEntry>> copy = new EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            copy.put(s, List.copyOf(entries.getOrDefault(s, List.of())));
        }
        this.entries = Collections.unmodifiableMap(copy);
        this.skipped = List.copyOf(skipped);
        this.groups = groups;
    }

    /**
     * Scans the layout {@code data} names. Unreadable files are skipped with one warning line each.
     *
     * @param seed the experiment's root seed; the split uses {@code Seeds.derive(seed, "split")}
     * @throws GraftException for a missing folder, a class without a readable image, a val/test class that
     *                        train lacks, or a class not in {@code data.classes}
     * @throws dev.graft.config.ConfigException for a CSV column that does not exist or a class-weight count
     *                                          that does not match the classes
     */
    public static ImageDataset scan(DataConfig data, long seed) {
        return scan(data, Problem.SINGLE_LABEL, seed);
    }

    /**
     * Scans for a {@code problem} head: a multi-label or regression head reads each image's target from the CSV
     * manifest ({@link TargetReader}); its "classes" are the outputs' names (the labels, or the target column).
     */
    public static ImageDataset scan(DataConfig data, Problem problem, long seed) {
        if (SyntheticShapes.ensure(data)) {
            LOG.info("generated Graft's synthetic {} dataset (first use)", data.synthetic());
        }
        Map<String, String> sources = new LinkedHashMap<>();
        List<SkippedFile> skipped = new ArrayList<>();
        List<Candidate> candidates = new ArrayList<>();
        CsvLayout.Targets targets = problem == Problem.SINGLE_LABEL ? null
                : new CsvLayout.Targets(problem, data.classes(), new ArrayList<>());
        Layout found = collectCandidates(data, sources, candidates, skipped, targets);
        String layout = found.name();
        List<String> folderClasses = found.folderClasses();
        List<Candidate> readable = new ArrayList<>();
        List<ImageInfo> infos = new ArrayList<>();
        probeAll(candidates, readable, infos, skipped);
        List<String> classes = targets != null ? targets.names()
                : ClassList.resolve(data.classes(), folderClasses, candidates, readable);
        List<ImageEntry> entries = new ArrayList<>();
        for (int i = 0; i < readable.size(); i++) {
            Candidate c = readable.get(i);
            entries.add(c.target() != null ? new ImageEntry(c.path(), 0, infos.get(i), c.target())
                    : new ImageEntry(c.path(), classes.indexOf(c.label()), infos.get(i)));
        }
        String group = data.split().group();
        boolean csv = layout.equals("csv");
        List<String> groupKeys = group == null ? null : Groups.keys(group, csv, readable);
        Map<Split, List<ImageEntry>> bySplit = assignSplits(layout, data, seed, readable, entries, classes, groupKeys);
        if (targets == null) {
            ClassList.requireTrainImages(classes, bySplit.get(Split.TRAIN), sources);
        } else if (bySplit.get(Split.TRAIN).isEmpty()) {
            throw new GraftException("no readable training image in " + sources);
        }
        Groups groups = null;
        if (groupKeys != null) {
            Map<Path, String> groupOf = new HashMap<>();
            for (int i = 0; i < entries.size(); i++) {
                groupOf.put(entries.get(i).path(), groupKeys.get(i));
            }
            groups = Groups.summarise(group, csv, bySplit, groupOf);
        }
        return new ImageDataset(layout, sources, classes, bySplit, skipped, groups, problem);
    }

    /** A data layout's name and, for folder layouts, the class folders of its training folder (or root). */
    private record Layout(String name, List<String> folderClasses) {
    }

    /** Adds every image the layout names to {@code candidates}. */
    private static Layout collectCandidates(DataConfig data, Map<String, String> sources, List<Candidate> candidates,
                                            List<SkippedFile> skipped, CsvLayout.Targets targets) {
        if (data.train() != null) {
            List<String> folderClasses = null;
            for (Split split : Split.values()) {
                String folder = switch (split) {
                    case TRAIN -> data.train();
                    case VAL -> data.val();
                    case TEST -> data.test();
                };
                if (folder != null) {
                    sources.put(split.id(), folder);
                    Map<String, List<Path>> classFolders =
                            FolderLayout.classFolders(Path.of(folder), "data." + split.id());
                    folderClasses = split == Split.TRAIN ? new ArrayList<>(classFolders.keySet()) : folderClasses;
                    classFolders.forEach((label, files) ->
                            files.forEach(f -> candidates.add(new Candidate(f, label, split))));
                }
            }
            return new Layout("folders", folderClasses);
        }
        if (data.root() != null) {
            sources.put("root", data.root());
            Map<String, List<Path>> classFolders = FolderLayout.classFolders(Path.of(data.root()), "data.root");
            classFolders.forEach((label, files) -> files.forEach(f -> candidates.add(new Candidate(f, label, null))));
            if (data.test() != null) { // a published test folder beside a root that is split into train and val
                sources.put(Split.TEST.id(), data.test());
                FolderLayout.classFolders(Path.of(data.test()), "data.test").forEach((label, files) ->
                        files.forEach(f -> candidates.add(new Candidate(f, label, Split.TEST))));
            }
            return new Layout("root", new ArrayList<>(classFolders.keySet()));
        }
        if (data.csv() != null) {
            sources.put("csv", data.csv().file());
            sources.put("images", data.csv().images());
            candidates.addAll(CsvLayout.read(data.csv(), data.split().group(), skipped, targets));
            return new Layout("csv", null);
        }
        throw GraftException.usage("data: no layout set (train + val folders, root, or csv)");
    }

    /** Reads each candidate's header (in parallel); readable ones go to {@code readable}, others are skipped. */
    private static void probeAll(List<Candidate> candidates, List<Candidate> readable, List<ImageInfo> infos,
                                 List<SkippedFile> skipped) {
        List<ImageProbe.Result> results = candidates.parallelStream().map(c -> ImageProbe.probe(c.path())).toList();
        for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            ImageProbe.Result r = results.get(i);
            if (r.readable()) {
                readable.add(c);
                infos.add(r.info());
            } else {
                LOG.warn("skipping unreadable file {}: {}", c.path(), r.problem());
                skipped.add(new SkippedFile(c.path().toString(), c.split() == null ? null : c.split().id(), c.label(),
                        r.problem()));
            }
        }
    }

    /** The folders' own splits, or a seeded split: by group when {@code groupKeys} is set, else per image. */
    private static Map<Split, List<ImageEntry>> assignSplits(String layout, DataConfig data, long seed,
                                                           List<Candidate> readable, List<ImageEntry> entries,
                                                           List<String> classes, List<String> groupKeys) {
        long splitSeed = Seeds.derive(seed, "split");
        if (!layout.equals("folders")) {
            return splitPool(data, splitSeed, readable, entries, classes, groupKeys);
        }
        Map<Split, List<ImageEntry>> bySplit = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            List<ImageEntry> list = new ArrayList<>();
            for (int i = 0; i < readable.size(); i++) {
                if (readable.get(i).split() == split) {
                    list.add(entries.get(i));
                }
            }
            bySplit.put(split, list);
        }
        return bySplit;
    }

    /**
     * The seeded split of the images that came without one (a root or CSV), by group when {@code groupKeys} is
     * set; images of a separate {@code data.test} folder stay the test split.
     */
    private static Map<Split, List<ImageEntry>> splitPool(DataConfig data, long splitSeed, List<Candidate> readable,
                                                          List<ImageEntry> entries, List<String> classes,
                                                          List<String> groupKeys) {
        List<ImageEntry> pool = new ArrayList<>();
        List<String> poolKeys = groupKeys == null ? null : new ArrayList<>();
        List<ImageEntry> fixedTest = new ArrayList<>();
        for (int i = 0; i < readable.size(); i++) {
            if (readable.get(i).split() == Split.TEST) {
                fixedTest.add(entries.get(i));
            } else {
                pool.add(entries.get(i));
                if (poolKeys != null) {
                    poolKeys.add(groupKeys.get(i));
                }
            }
        }
        Map<Split, List<ImageEntry>> bySplit = poolKeys == null
                ? StratifiedSplitter.split(pool, classes, data.split().val(), data.split().test(), splitSeed)
                : GroupSplitter.split(pool, poolKeys, classes, data.split().val(), data.split().test(), splitSeed);
        if (!fixedTest.isEmpty()) {
            Map<Split, List<ImageEntry>> withTest = new EnumMap<>(bySplit);
            withTest.put(Split.TEST, fixedTest);
            return withTest;
        }
        return bySplit;
    }

    /** {@code folders}, {@code root} or {@code csv}. */
    public String layout() {
        return layout;
    }

    /** Where the data came from: split or role name to path. */
    public Map<String, String> sources() {
        return sources;
    }

    /** Class names; a label is an index into this list. */
    public List<String> classes() {
        return classes;
    }

    /** The readable images of a split, sorted by path (empty when the split has none). */
    public List<ImageEntry> entries(Split split) {
        return entries.get(split);
    }

    /** True when the split has at least one image. */
    public boolean has(Split split) {
        return !entries.get(split).isEmpty();
    }

    /** What the head predicts; a multi-label or regression dataset's images carry {@link ImageEntry#target()}. */
    public Problem problem() {
        return problem;
    }

    /** Images per class in a split (multi-label: images where the label is present; regression: all images). */
    public int[] counts(Split split) {
        int[] counts = new int[classes.size()];
        for (ImageEntry e : entries.get(split)) {
            if (problem == Problem.MULTI_LABEL) {
                for (int c = 0; c < counts.length; c++) {
                    counts[c] += e.target()[c] == 1f ? 1 : 0;
                }
            } else {
                counts[e.label()]++;
            }
        }
        return counts;
    }

    /** How the images fall into {@code data.split.group} groups per split; null when no group is set. */
    public Groups groups() {
        return groups;
    }

    /** Files left out by the scan (unreadable, or CSV rows without a file). */
    public List<SkippedFile> skipped() {
        return skipped;
    }

    /**
     * A SHA-256 over the class list and every readable image's split, class, file name and size: equal
     * fingerprints mean the same data in the same splits (for provenance and feature caches).
     */
    public String fingerprint() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(String.join("\n", classes).getBytes(StandardCharsets.UTF_8));
            for (Split split : Split.values()) {
                for (ImageEntry e : entries.get(split)) {
                    String line = "\n" + split.id() + "\t" + e.label() + "\t" + e.path().getFileName() + "\t"
                            + e.info().bytes() + (e.target() == null ? "" : "\t" + Arrays.toString(e.target()));
                    digest.update(line.getBytes(StandardCharsets.UTF_8));
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
