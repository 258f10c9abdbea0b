package dev.graft.sweep;

import dev.graft.config.SweepObjective;
import dev.graft.train.EpochRecord;
import dev.graft.train.TrainResult;
import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;
import org.deeplearning4j.arbiter.optimize.api.data.DataSource;
import org.deeplearning4j.arbiter.optimize.api.score.ScoreFunction;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The sweep's objective as an Arbiter score function: the best value of the objective metric over a trial's
 * epochs (its {@link TrainResult}), and whether Arbiter should minimise it.
 */
final class ObjectiveScore implements ScoreFunction {
    private static final long serialVersionUID = 1L;

    private final String metric;
    private final boolean minimize;

    ObjectiveScore(SweepObjective objective) {
        this.metric = objective.metric();
        this.minimize = objective.minimize();
    }

    String metric() {
        return metric;
    }

    /** The best epoch's value and that epoch (0 and NaN when no epoch has a finite value). */
    record Best(double value, int epoch) {
    }

    Best best(List<EpochRecord> history) {
        double best = Double.NaN;
        int epoch = 0;
        for (EpochRecord r : history) {
            double v = r.metric(metric);
            if (Double.isFinite(v) && (Double.isNaN(best) || (minimize ? v < best : v > best))) {
                best = v;
                epoch = r.epoch();
            }
        }
        return new Best(best, epoch);
    }

    /** Orders ranked trials best first (ties: the earlier trial). */
    Comparator<TrialRecord> ranking() {
        Comparator<TrialRecord> byObjective = Comparator.comparingDouble(TrialRecord::objective);
        return (minimize ? byObjective : byObjective.reversed()).thenComparingInt(TrialRecord::trial);
    }

    @Override
    public double score(Object model, DataProvider dataProvider, Map<String, Object> dataParameters) {
        if (!(model instanceof TrainResult result)) {
            throw new IllegalArgumentException("a sweep trial's result must be a TrainResult (was " + model + ")");
        }
        return best(result.history()).value();
    }

    @Override
    public double score(Object model, Class<? extends DataSource> dataSource, Properties dataSourceProperties) {
        return score(model, (DataProvider) null, Map.of());
    }

    @Override
    public boolean minimize() {
        return minimize;
    }

    @Override
    public List<Class<?>> getSupportedModelTypes() {
        return List.of(TrainResult.class);
    }

    @Override
    public List<Class<?>> getSupportedDataTypes() {
        return List.of();
    }
}
