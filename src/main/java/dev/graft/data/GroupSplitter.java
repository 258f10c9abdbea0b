package dev.graft.data;

import dev.graft.config.Seeds;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Seeded split that keeps every group (a patient, a lesion) in one split, stratified by class as closely as
 * the group sizes allow. A group's class is its most frequent label. Within each class the groups are sorted
 * by key and shuffled with a seed derived from the split seed and the class name; test then validation take
 * groups in that order up to round(n * fraction) images, never taking a class's last group (train keeps at
 * least one). Images without a group are groups of one, so with no
 * groups at all this is {@link StratifiedSplitter}'s split.
 */
final class GroupSplitter {
    private GroupSplitter() {
    }

    /** @param groupOf each entry's group key (same order as {@code entries}), null for "its own group" */
    static Map<Split, List<ImageEntry>> split(List<ImageEntry> entries, List<String> groupOf, List<String> classes,
                                             double val, double test, long splitSeed) {
        Map<Integer, List<List<ImageEntry>>> byClass = groupsByClass(entries, groupOf, classes.size());
        Map<Split, List<ImageEntry>> out = new EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            out.put(s, new ArrayList<>());
        }
        for (int c = 0; c < classes.size(); c++) {
            List<List<ImageEntry>> groups = byClass.getOrDefault(c, new ArrayList<>());
            Collections.shuffle(groups, new Random(Seeds.derive(splitSeed, classes.get(c))));
            int n = groups.stream().mapToInt(List::size).sum();
            take(groups, (int) Math.round(n * test), out.get(Split.TEST));
            take(groups, (int) Math.round(n * val), out.get(Split.VAL));
            groups.forEach(out.get(Split.TRAIN)::addAll);
        }
        out.values().forEach(list -> list.sort(Comparator.comparing(ImageEntry::path)));
        return out;
    }

    /**
     * Moves groups into {@code into}: first every group that fits without passing the target, then any that
     * still brings the count closer to it, or as close (a big group when only big ones are left; on a tie the
     * group is taken, so a small class with groups of two still gives validation an image instead of none).
     */
    private static void take(List<List<ImageEntry>> groups, int target, List<ImageEntry> into) {
        int taken = 0;
        for (boolean overshoot : new boolean[] {false, true}) {
            for (int i = 0; i < groups.size() && groups.size() > 1; ) {
                int after = taken + groups.get(i).size();
                boolean take = overshoot ? taken < target && after - target <= target - taken : after <= target;
                if (take) {
                    into.addAll(groups.remove(i));
                    taken = after;
                } else {
                    i++;
                }
            }
        }
    }

    /** Class index to its groups (each sorted by path), groups in key order. */
    private static Map<Integer, List<List<ImageEntry>>> groupsByClass(List<ImageEntry> entries, List<String> groupOf,
                                                                     int classCount) {
        Map<String, List<ImageEntry>> groups = new TreeMap<>();
        for (int i = 0; i < entries.size(); i++) {
            String key = groupOf.get(i) != null ? "g:" + groupOf.get(i) : "f:" + entries.get(i).path();
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(entries.get(i));
        }
        Map<Integer, List<List<ImageEntry>>> byClass = new LinkedHashMap<>();
        for (List<ImageEntry> members : groups.values()) {
            members.sort(Comparator.comparing(ImageEntry::path));
            byClass.computeIfAbsent(majorityLabel(members, classCount), c -> new ArrayList<>()).add(members);
        }
        return byClass;
    }

    private static int majorityLabel(List<ImageEntry> members, int classCount) {
        int[] counts = new int[classCount];
        members.forEach(e -> counts[e.label()]++);
        int best = 0;
        for (int c = 1; c < classCount; c++) {
            if (counts[c] > counts[best]) {
                best = c;
            }
        }
        return best;
    }
}
