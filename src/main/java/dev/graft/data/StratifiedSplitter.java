package dev.graft.data;

import dev.graft.config.Seeds;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded, stratified split: within each class the images are shuffled with a seed derived from the split seed
 * and the class name (so adding a class never reshuffles another), then {@code round(n * test)} go to test,
 * {@code round(n * val)} to val and the rest to train, which always keeps at least one image.
 */
final class StratifiedSplitter {
    private StratifiedSplitter() {
    }

    static Map<Split, List<ImageEntry>> split(List<ImageEntry> entries, List<String> classes, double val,
                                             double test, long splitSeed) {
        Map<Split, List<ImageEntry>> out = new EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            out.put(s, new ArrayList<>());
        }
        for (int c = 0; c < classes.size(); c++) {
            List<ImageEntry> members = new ArrayList<>();
            for (ImageEntry e : entries) {
                if (e.label() == c) {
                    members.add(e);
                }
            }
            members.sort(Comparator.comparing(ImageEntry::path));
            Collections.shuffle(members, new Random(Seeds.derive(splitSeed, classes.get(c))));
            int n = members.size();
            int nTest = (int) Math.round(n * test);
            int nVal = (int) Math.round(n * val);
            while (nTest + nVal >= n && nTest + nVal > 0) {
                if (nTest > 0) {
                    nTest--;
                } else {
                    nVal--;
                }
            }
            out.get(Split.TEST).addAll(members.subList(0, nTest));
            out.get(Split.VAL).addAll(members.subList(nTest, nTest + nVal));
            out.get(Split.TRAIN).addAll(members.subList(nTest + nVal, n));
        }
        out.values().forEach(list -> list.sort(Comparator.comparing(ImageEntry::path)));
        return out;
    }
}
