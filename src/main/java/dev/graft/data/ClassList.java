package dev.graft.data;

import dev.graft.GraftException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Fixes the class list and checks it against what the layout holds. */
final class ClassList {
    private ClassList() {
    }

    /**
     * The explicit {@code data.classes} when given, else the train (or root) class folders, else the labels
     * seen in the CSV, sorted. Every label found must be in the list.
     */
    static List<String> resolve(List<String> explicit, List<String> folderClasses, List<Candidate> all,
                                List<Candidate> readable) {
        Set<String> trainLabels = new TreeSet<>();
        if (folderClasses != null) {
            trainLabels.addAll(folderClasses);
        } else {
            all.forEach(c -> trainLabels.add(c.label()));
        }
        List<String> classes = explicit.isEmpty() ? new ArrayList<>(trainLabels) : List.copyOf(explicit);
        for (String label : trainLabels) {
            if (!classes.contains(label)) {
                throw new GraftException("the data has class '" + label + "', which data.classes " + classes
                        + " does not list; add it there or remove its images");
            }
        }
        Set<String> unseen = new LinkedHashSet<>();
        for (Candidate c : readable) {
            if (c.split() != null && c.split() != Split.TRAIN && !trainLabels.contains(c.label())) {
                unseen.add(c.split().id() + "/" + c.label());
            }
        }
        if (!unseen.isEmpty()) {
            throw new GraftException("class folder(s) " + unseen + " have no counterpart in train (train classes: "
                    + String.join(", ", trainLabels) + "); a model cannot learn a class it never sees");
        }
        return classes;
    }

    /** Every class needs at least one readable training image. */
    static void requireTrainImages(List<String> classes, List<ImageEntry> train, Map<String, String> sources) {
        int[] counts = new int[classes.size()];
        train.forEach(e -> counts[e.label()]++);
        List<String> empty = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            if (counts[c] == 0) {
                empty.add(classes.get(c));
            }
        }
        if (!empty.isEmpty()) {
            String where = sources.containsKey("train") ? sources.get("train")
                    : sources.getOrDefault("root", sources.get("csv"));
            throw new GraftException("class(es) " + empty + " have no readable training image in " + where
                    + " (every file missing or unreadable, see the warnings above); add images or remove the class");
        }
    }
}
