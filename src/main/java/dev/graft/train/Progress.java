package dev.graft.train;

import dev.graft.run.StartupClock;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Locale;

/**
 * Progress through one epoch: a live bar with ETA and images/s on an interactive terminal (the progressbar
 * library), or a plain line every {@code logEvery} batches otherwise (CI logs, files, pipes).
 */
final class Progress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

    private final String task;
    private final int totalBatches;
    private final int logEvery;
    private final ProgressBar bar;
    private final long startNanos = System.nanoTime();
    private int batches;
    private long images;

    private Progress(String task, int totalBatches, int logEvery, boolean interactive) {
        this.task = task;
        this.totalBatches = totalBatches;
        this.logEvery = logEvery;
        this.bar = interactive ? new ProgressBarBuilder().setTaskName(task).setInitialMax(totalBatches)
                .setStyle(ProgressBarStyle.ASCII).setUnit(" batches", 1).showSpeed()
                .setMaxRenderedLength(100).build() : null;
    }

    /** Interactive when a terminal is attached and the console shows INFO lines. */
    static Progress start(String task, int totalBatches, int startBatch, int logEvery) {
        boolean interactive = System.console() != null && LOG.isInfoEnabled();
        Progress p = new Progress(task, totalBatches, logEvery, interactive);
        p.batches = startBatch;
        if (p.bar != null) {
            p.bar.stepTo(startBatch);
        }
        return p;
    }

    void step(int batchImages, double loss) {
        if (images == 0) {
            StartupClock.firstBatchDone().ifPresent(LOG::info);
        }
        batches++;
        images += batchImages;
        double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
        double rate = images / seconds;
        if (bar != null) {
            bar.step();
            bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f  %.1f img/s", loss, rate));
        } else if (batches % logEvery == 0 || batches == totalBatches) {
            long etaSeconds = (long) ((totalBatches - batches) * seconds / Math.max(1, batches));
            LOG.info(String.format(Locale.ROOT, "%s  batch %d/%d  loss %.4f  %.1f img/s  ETA %s", task, batches,
                    totalBatches, loss, rate, format(Duration.ofSeconds(etaSeconds))));
        }
    }

    static String format(Duration d) {
        long s = d.getSeconds();
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
