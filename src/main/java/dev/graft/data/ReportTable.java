package dev.graft.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Renders a {@link DataReport} as aligned terminal lines. */
final class ReportTable {
    private static final int SKIPPED_SHOWN = 20;

    private ReportTable() {
    }

    static List<String> render(DataReport r) {
        List<String> lines = new ArrayList<>();
        lines.add("layout   " + r.layout() + ": " + r.sources().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
        lines.add("classes  " + r.classes().size() + ": " + String.join(", ", r.classes()));
        lines.add("");
        int nameWidth = Math.max(5, r.classes().stream().mapToInt(String::length).max().orElse(5));
        String format = "%-5s  %-" + nameWidth + "s  %6s  %7s  %-24s  %-24s  %s";
        String output = switch (r.problem()) {
            case "multi_label" -> "label";
            case "regression" -> "target";
            default -> "class";
        };
        lines.add(String.format(Locale.ROOT, format, "split", output, "images", "skipped", "width", "height", "modes"));
        for (Map.Entry<String, DataReport.SplitSummary> split : r.splits().entrySet()) {
            for (Map.Entry<String, DataReport.ClassSummary> c : split.getValue().classes().entrySet()) {
                ImageStats s = c.getValue().stats();
                lines.add(String.format(Locale.ROOT, format, split.getKey(), c.getKey(), c.getValue().images(),
                        c.getValue().skipped(), s.width(), s.height(), counts(s.modes())));
            }
            ImageStats s = split.getValue().stats();
            lines.add(String.format(Locale.ROOT, format, split.getKey(), "(all)", split.getValue().images(),
                    split.getValue().skipped(), s.width(), s.height(), counts(s.modes())));
        }
        r.splits().forEach((name, split) -> {
            if (split.target() != null) {
                DataReport.TargetSummary t = split.target();
                lines.add(String.format(Locale.ROOT, "%-5s  %s: mean %.4g, sd %.4g, min %.4g, max %.4g", name,
                        r.classes().get(0), t.mean(), t.std(), t.min(), t.max()));
            }
        });
        long beforeSplit = r.skipped().stream().filter(f -> f.split() == null).count();
        if (beforeSplit > 0) {
            lines.add(beforeSplit + " file(s) skipped before the split (root/csv layout)");
        }
        if (r.groups() != null) {
            lines.add(r.groups().line());
        }
        lines.add("");
        lines.add("skipped  " + r.skipped().size() + " file(s)" + (r.skipped().isEmpty() ? "" : ":"));
        r.skipped().stream().limit(SKIPPED_SHOWN).forEach(f -> lines.add("  " + f));
        if (r.skipped().size() > SKIPPED_SHOWN) {
            lines.add("  ... and " + (r.skipped().size() - SKIPPED_SHOWN) + " more (see data-report.json)");
        }
        DataReport.Balance b = r.balance();
        lines.add("weights  " + b.classWeights() + (b.weights().isEmpty() ? "" : ": " + b.weights().entrySet().stream()
                .map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%.3f", e.getValue()))
                .collect(Collectors.joining(", "))));
        lines.add("sampler  " + b.sampler() + ": " + b.epochSize() + " training samples per epoch" + (
                b.samplesPerEpoch().isEmpty() ? "" : " (" + counts(b.samplesPerEpoch()) + ")"));
        DataReport.Transform t = r.transform();
        lines.add("input    " + t.imageSize() + "x" + t.imageSize() + "; eval: shorter side " + t.evalResizeShorterSide()
                + ", centre crop; train augment: " + (t.augment().isEmpty() ? "none"
                : t.augment().stream().map(a -> a.op()).collect(Collectors.joining(", "))));
        lines.add("fingerprint " + r.fingerprint());
        return lines;
    }

    private static String counts(Map<String, Integer> counts) {
        return counts.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(" "));
    }
}
