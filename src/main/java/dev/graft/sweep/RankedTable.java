package dev.graft.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The ranked summary the console shows at the end of a sweep: rank, trial, every searched value, objective. */
public final class RankedTable {
    private RankedTable() {
    }

    /** The console's ranked table: rank, trial, every searched value, objective, status, time. */
    public static String render(SweepResult result) {
        List<String> header = new ArrayList<>(List.of("rank", "trial"));
        header.addAll(result.keys());
        header.addAll(List.of(result.metric(), "status", "time"));
        List<List<String>> rows = new ArrayList<>();
        int rank = 0;
        for (TrialRecord r : result.ranked()) {
            List<String> row = new ArrayList<>();
            row.add(r.ranked() ? String.valueOf(++rank) : "-");
            row.add(String.valueOf(r.trial()));
            result.keys().forEach(k -> row.add(clip(TrialPoint.display(r.values().get(k)), 28)));
            row.add(r.objective() == null ? "-" : String.format(Locale.ROOT, "%.4f", r.objective()));
            row.add(r.status().toString());
            row.add(SweepReport.duration(r.seconds()));
            rows.add(row);
        }
        int[] widths = new int[header.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = header.get(c).length();
            for (List<String> row : rows) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        StringBuilder out = new StringBuilder(line(header, widths));
        rows.forEach(row -> out.append(line(row, widths)));
        return out.toString();
    }

    private static String line(List<String> cells, int[] widths) {
        StringBuilder out = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            out.append(c == 0 ? "" : "  ").append(String.format("%-" + widths[c] + "s", cells.get(c)));
        }
        return out.toString().stripTrailing() + "\n";
    }

    private static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }
}
