package dev.graft.train;

import dev.graft.config.Seeds;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The learning-rate range test (Smith 2017; fastai's lr_find): one update per step at an exponentially rising rate
 * from {@code minLr} to {@code maxLr}, recording the loss, smoothed by an exponential moving average with bias
 * correction (beta 0.98, as fastai); the sweep stops early once the smoothed loss exceeds 4x its best so far or
 * becomes NaN. The suggestion is the rate at the smoothed loss's minimum divided by 10 (fastai v1's rule): the
 * moving average lags the loss, so its minimum sits close to where training blows up and a tenth of it is a rate
 * that still trains fast. The rate of steepest descent of the smoothed loss over log(lr) before the minimum
 * (fastai's "steep", first tenth of the steps left out) is reported next to it; on noisy losses it lands early
 * (measured on the linear-regression test: 2.5e-4 where the loss only falls from 0.01 on), so it is not the
 * suggestion.
 */
final class RangeTest {
    static final double BETA = 0.98;
    static final double DIVERGENCE = 4.0;

    private RangeTest() {
    }

    /** One step of the sweep: the rate it trained at, its loss and the smoothed loss. */
    record Point(int step, double lr, double loss, double smoothed) {
    }

    /**
     * The sweep's outcome.
     *
     * @param suggestedLr the smoothed loss's minimum's rate / 10 (NaN when the curve never fell)
     * @param minimumLr   the rate at the smoothed loss's minimum
     * @param steepestLr  the steepest descent of the smoothed loss before its minimum (NaN when none)
     * @param diverged    true when the sweep stopped early on a loss above 4x the best
     */
    record Curve(List<Point> points, double suggestedLr, double minimumLr, double steepestLr, boolean diverged) {
        Curve {
            points = List.copyOf(points);
        }
    }

    /** The schedule of the sweep: {@code minLr * gamma^step}, reaching {@code maxLr} at step {@code steps - 1}. */
    static ISchedule schedule(double minLr, double maxLr, int steps) {
        return new ExponentialSchedule(ScheduleType.ITERATION, minLr, gamma(minLr, maxLr, steps));
    }

    private static double gamma(double minLr, double maxLr, int steps) {
        return Math.pow(maxLr / minLr, 1.0 / Math.max(1, steps - 1));
    }

    /**
     * Runs the sweep on {@code model}, whose updaters follow {@link #schedule} (times a stage's multiplier),
     * taking each update's micro-batches from {@code batches} ({@code accumulate} per update). Reseeds ND4J
     * per step from {@code seed} as training does. Changes the model; callers throw it away.
     */
    static Curve run(ComputationGraph model, Supplier<DataSet> batches, int steps, double minLr, double maxLr,
                     int accumulate, long seed, LabelSmoothing smoothing) {
        double gamma = gamma(minLr, maxLr, steps);
        GradientAccumulation accumulation = new GradientAccumulation();
        model.setListeners(accumulation);
        List<Point> points = new ArrayList<>();
        double average = 0;
        double best = Double.POSITIVE_INFINITY;
        boolean diverged = false;
        for (int step = 0; step < steps; step++) {
            double loss = update(model, batches, accumulate, accumulation, Seeds.derive(seed, "lr-find-" + step),
                    smoothing);
            average = BETA * average + (1 - BETA) * loss;
            double smoothed = average / (1 - Math.pow(BETA, step + 1));
            points.add(new Point(step, minLr * Math.pow(gamma, step), loss, smoothed));
            if (!Double.isFinite(smoothed) || (step > 0 && smoothed > DIVERGENCE * best)) {
                diverged = true;
                break;
            }
            best = Math.min(best, smoothed);
        }
        model.setListeners();
        return summarise(points, diverged);
    }

    /** One update from {@code accumulate} micro-batches; returns their mean data loss (penalty excluded). */
    private static double update(ComputationGraph model, Supplier<DataSet> batches, int accumulate,
                                 GradientAccumulation accumulation, long seed, LabelSmoothing smoothing) {
        double sum = 0;
        for (int m = 0; m < accumulate; m++) {
            Nd4j.getRandom().setSeed(seed + m);
            DataSet batch = batches.get();
            smoothing.preProcess(batch);
            double penalty = model.calcRegularizationScore(true);
            if (m == accumulate - 1) {
                accumulation.update(model, batch);
                sum += model.score() - penalty;
            } else {
                sum += accumulation.accumulate(model, batch) - penalty;
            }
        }
        return sum / accumulate;
    }

    /** Finds the minimum and the steepest descent before it. */
    static Curve summarise(List<Point> points, boolean diverged) {
        int min = 0;
        for (int i = 0; i < points.size(); i++) {
            if (Double.isFinite(points.get(i).smoothed()) && points.get(i).smoothed() < points.get(min).smoothed()) {
                min = i;
            }
        }
        double steepestSlope = 0;
        double steepest = Double.NaN;
        // fastai skips the first tenth: the smoothed loss of the first few steps rests on few samples and its
        // batch-to-batch noise makes the steepest slopes there, at rates too small to train anything.
        for (int i = Math.max(1, points.size() / 10); i < min; i++) {
            Point before = points.get(i - 1);
            Point after = points.get(i + 1);
            double slope = (after.smoothed() - before.smoothed()) / (Math.log(after.lr()) - Math.log(before.lr()));
            if (slope < steepestSlope) {
                steepestSlope = slope;
                steepest = points.get(i).lr();
            }
        }
        double minimumLr = points.isEmpty() ? Double.NaN : points.get(min).lr();
        return new Curve(points, min > 0 ? minimumLr / 10 : Double.NaN, minimumLr, steepest, diverged);
    }
}
