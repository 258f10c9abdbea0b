package dev.graft.sweep;

import dev.graft.AtomicFiles;
import dev.graft.GraftException;
import dev.graft.config.ExperimentConfig;
import dev.graft.config.SearchDomain;
import dev.graft.config.SweepPlan;
import dev.graft.config.YamlFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a sweep leaves besides its record: {@code best.yaml} (the best trial's resolved experiment, ready for
 * {@code graft train --config best.yaml}), {@code plots/objective-vs-<key>.png} and {@code sweep-report.html},
 * which links the plots, the trials' own reports and the files.
 */
final class SweepReport {
    static final String BEST = "best.yaml";
    static final String HTML = "sweep-report.html";

    private SweepReport() {
    }

    static void write(Path dir, SweepPlan plan, SweepResult result) {
        try {
            Optional<TrialRecord> best = result.best();
            if (best.isPresent()) {
                TrialRecord b = best.get();
                ExperimentConfig config = plan.experiment(TrialRun.overrides(plan, b.values(), null));
                AtomicFiles.writeString(dir.resolve(BEST), String.format(Locale.ROOT,
                        "# best of sweep %s: trial %d, %s %.4f (epoch %d); run: %s%n# train it: graft train "
                                + "--config %s%n", plan.sweep().name(), b.trial(), result.metric(), b.objective(),
                        b.bestEpoch(), dir.resolve(b.run()), dir.resolve(BEST)) + YamlFiles.toYaml(config));
            }
            List<TrialRecord> ranked = result.ranked().stream().filter(TrialRecord::ranked).toList();
            List<String> plots = new ArrayList<>();
            if (!ranked.isEmpty()) {
                for (SearchDomain d : plan.sweep().space().dimensions()) {
                    String file = "plots/" + SweepPlots.fileName(d.path());
                    byte[] png = SweepPlots.plot(d, ranked, result.metric());
                    AtomicFiles.write(dir.resolve(file), out -> out.write(png));
                    plots.add(file);
                }
            }
            AtomicFiles.writeString(dir.resolve(HTML), html(dir, plan, result, plots));
        } catch (IOException e) {
            throw new GraftException("cannot write the sweep report in " + dir + ": " + e.getMessage(), e);
        }
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

    private static String html(Path dir, SweepPlan plan, SweepResult result, List<String> plots) {
        StringBuilder h = new StringBuilder("<!doctype html><html><head><meta charset='utf-8'><title>Graft sweep ")
                .append(esc(plan.sweep().name())).append("</title><style>body{font-family:sans-serif;max-width:"
                        + "1100px;margin:2em auto;color:#222}table{border-collapse:collapse}td,th{border:1px solid"
                        + " #ccc;padding:3px 8px;text-align:left}th{background:#f3f3f3}img{max-width:100%}"
                        + "</style></head><body>");
        h.append("<h1>Sweep ").append(esc(plan.sweep().name())).append("</h1><p>").append(esc(dir.toString()))
                .append("</p><p>").append(plan.sweep().strategy()).append(" search over ")
                .append(result.keys().size()).append(" keys, ").append(result.finished()).append(" of ")
                .append(result.planned()).append(" trials finished; objective: ")
                .append(plan.sweep().objective().goal()).append(' ').append(esc(result.metric())).append(" (best epoch")
                .append(" of each trial).").append(result.stopReason() == null ? ""
                        : " Stopped early: " + esc(result.stopReason()) + "; continue with <code>graft sweep --resume "
                        + esc(dir.toString()) + "</code>.").append("</p>");
        result.best().ifPresent(b -> h.append("<p><b>Best: trial ").append(b.trial()).append("</b>, ")
                .append(esc(result.metric())).append(String.format(Locale.ROOT, " %.4f", b.objective()))
                .append(" &mdash; <a href='").append(BEST).append("'>best.yaml</a> (<code>graft train --config ")
                .append(esc(dir.resolve(BEST).toString())).append("</code>)</p>"));
        h.append("<p>Files: <a href='").append(SweepState.CSV).append("'>trials.csv</a>, <a href='")
                .append(SweepFolder.SWEEP).append("'>sweep.yaml</a>, <a href='").append(SweepFolder.BASE)
                .append("'>base.yaml</a></p><h2>Trials</h2><table><tr><th>rank</th><th>trial</th>");
        result.keys().forEach(k -> h.append("<th>").append(esc(k)).append("</th>"));
        h.append("<th>").append(esc(result.metric())).append("</th><th>status</th><th>time</th><th>run</th>"
                + "<th>note</th></tr>");
        int rank = 0;
        for (TrialRecord r : result.ranked()) {
            h.append("<tr><td>").append(r.ranked() ? String.valueOf(++rank) : "-").append("</td><td>")
                    .append(r.trial()).append("</td>");
            result.keys().forEach(k -> h.append("<td>").append(esc(TrialPoint.display(r.values().get(k))))
                    .append("</td>"));
            h.append("<td>").append(r.objective() == null ? "-" : String.format(Locale.ROOT, "%.4f", r.objective()))
                    .append("</td><td>").append(r.status()).append("</td><td>").append(duration(r.seconds()))
                    .append("</td><td>").append(runLink(dir, r)).append("</td><td>")
                    .append(r.status().succeeded() ? "" : esc(r.message())).append("</td></tr>");
        }
        h.append("</table>");
        if (!plots.isEmpty()) {
            h.append("<h2>Objective against each key</h2>");
            plots.forEach(p -> h.append("<p><a href='").append(p).append("'><img src='").append(p)
                    .append("'></a></p>"));
        }
        return h.append("</body></html>\n").toString();
    }

    private static String runLink(Path dir, TrialRecord r) {
        if (r.run() == null) {
            return "";
        }
        String report = r.run() + "/report.html";
        return Files.exists(dir.resolve(report)) ? "<a href='" + esc(report) + "'>report</a>" : esc(r.run());
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;");
    }
}
