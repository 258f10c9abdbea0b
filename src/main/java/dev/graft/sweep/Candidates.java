package dev.graft.sweep;

import dev.graft.config.SweepConfig;
import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.api.CandidateGenerator;
import org.deeplearning4j.arbiter.optimize.api.OptimizationResult;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.arbiter.optimize.generator.BaseCandidateGenerator;
import org.deeplearning4j.arbiter.optimize.generator.GridSearchCandidateGenerator;
import org.deeplearning4j.arbiter.optimize.generator.RandomSearchGenerator;

import java.util.ArrayList;
import java.util.List;

/**
 * Arbiter's candidate generator for the sweep's strategy (random search seeded by {@code seed}, or a sequential
 * grid in which the first key changes fastest), limited to the planned number of trials so that no more are
 * ever started, even with several running at once. Candidate {@code i} is trial {@code i + 1}, and the sequence
 * is the same every time (what makes {@code --resume} possible).
 */
final class Candidates implements CandidateGenerator {
    private final CandidateGenerator delegate;
    private final int limit;
    private int issued;

    private Candidates(CandidateGenerator delegate, int limit) {
        this.delegate = delegate;
        this.limit = limit;
    }

    static Candidates of(SweepConfig sweep) {
        SweepSpace space = new SweepSpace(sweep.space());
        BaseCandidateGenerator<?> generator = sweep.strategy() == SweepConfig.Strategy.RANDOM
                ? new RandomSearchGenerator(space, null)
                : new GridSearchCandidateGenerator(space, sweep.gridPoints(),
                        GridSearchCandidateGenerator.Mode.Sequential, null);
        generator.setRngSeed(sweep.seed());
        return new Candidates(generator, sweep.trials());
    }

    /** The first {@code n} trials' points, from a fresh generator (to check a resumed sweep's record). */
    static List<TrialPoint> preview(SweepConfig sweep, int n) {
        Candidates c = of(sweep);
        List<TrialPoint> out = new ArrayList<>();
        while (out.size() < n && c.hasMoreCandidates()) {
            out.add((TrialPoint) c.getCandidate().getValue());
        }
        return out;
    }

    @Override
    public boolean hasMoreCandidates() {
        return issued < limit && delegate.hasMoreCandidates();
    }

    @Override
    public Candidate getCandidate() {
        issued++;
        return delegate.getCandidate();
    }

    @Override
    public void reportResults(OptimizationResult result) {
        delegate.reportResults(result);
    }

    @Override
    public ParameterSpace<?> getParameterSpace() {
        return delegate.getParameterSpace();
    }

    @Override
    public void setRngSeed(long rngSeed) {
        delegate.setRngSeed(rngSeed);
    }

    @Override
    public Class<?> getCandidateType() {
        return TrialPoint.class;
    }
}
