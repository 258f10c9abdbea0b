package dev.graft.data;

import dev.graft.GraftException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code data.split.group}: which patient or lesion an image belongs to, and how the groups fall into the
 * splits. With a CSV manifest the group is a column (HAM10000 {@code lesion_id}); with folders it is the
 * first match of a regular expression in the file name (its first capturing group if it has one), e.g.
 * {@code person\d+}. An image without a group (empty cell, no match) is a group of its own.
 *
 * @param by               the column or expression, as configured
 * @param source           {@code column} or {@code file name}
 * @param groups           split to how many distinct groups it holds
 * @param ungroupedImages  images without a group (each its own group)
 * @param overlapping      groups found in more than one split: 0 for a group split, a leak check for folders
 * @param overlapExamples  up to ten of them, with their splits
 */
public record Groups(String by, String source, Map<String, Integer> groups, int ungroupedImages, int overlapping,
                     List<String> overlapExamples) {
    private static final int EXAMPLES = 10;

    /** Each candidate's group key (null for none): the CSV cell, or the expression's match in the file name. */
    static List<String> keys(String by, boolean csv, List<Candidate> candidates) {
        List<String> keys = new ArrayList<>(candidates.size());
        if (csv) {
            candidates.forEach(c -> keys.add(c.group() == null || c.group().isBlank() ? null : c.group()));
            return keys;
        }
        Pattern pattern = compile(by);
        for (Candidate c : candidates) {
            Matcher m = pattern.matcher(c.path().getFileName().toString());
            keys.add(!m.find() ? null : m.groupCount() > 0 && m.group(1) != null ? m.group(1) : m.group());
        }
        return keys;
    }

    /** The expression, or a message naming the key when it does not compile. */
    public static Pattern compile(String by) {
        try {
            return Pattern.compile(by);
        } catch (PatternSyntaxException e) {
            throw GraftException.usage("data.split.group: not a valid regular expression: " + e.getMessage());
        }
    }

    /** Counts the groups per split and those that sit in more than one. */
    static Groups summarise(String by, boolean csv, Map<Split, List<ImageEntry>> splits,
                            Map<Path, String> groupOf) {
        Map<String, Set<Split>> where = new TreeMap<>();
        Map<String, Integer> perSplit = new LinkedHashMap<>();
        int ungrouped = 0;
        for (Map.Entry<Split, List<ImageEntry>> split : splits.entrySet()) {
            Set<String> seen = new HashSet<>();
            for (ImageEntry e : split.getValue()) {
                String key = groupOf.get(e.path());
                if (key == null) {
                    ungrouped++;
                    seen.add("\0" + e.path());
                } else {
                    seen.add(key);
                    where.computeIfAbsent(key, k -> EnumSet.noneOf(Split.class)).add(split.getKey());
                }
            }
            if (!split.getValue().isEmpty() || split.getKey() == Split.TRAIN) {
                perSplit.put(split.getKey().id(), seen.size());
            }
        }
        List<String> overlaps = where.entrySet().stream().filter(e -> e.getValue().size() > 1)
                .map(e -> e.getKey() + " " + e.getValue()).toList();
        return new Groups(by, csv ? "column" : "file name", perSplit, ungrouped, overlaps.size(),
                overlaps.stream().limit(EXAMPLES).toList());
    }

    /** One terminal line: groups per split, ungrouped images, overlap. */
    String line() {
        StringBuilder s = new StringBuilder("groups   by " + source + " '" + by + "': ");
        groups.forEach((split, n) -> s.append(split).append(' ').append(n).append(", "));
        s.append(ungroupedImages).append(" image(s) without a group; in more than one split: ").append(overlapping);
        if (!overlapExamples.isEmpty()) {
            s.append(" (").append(String.join("; ", overlapExamples)).append(overlapping > EXAMPLES ? "; ..." : "")
                    .append(')');
        }
        return s.toString();
    }
}
