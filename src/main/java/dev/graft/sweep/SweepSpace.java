package dev.graft.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.config.SearchDomain;
import dev.graft.config.SearchSpace;
import org.deeplearning4j.arbiter.optimize.api.AbstractParameterSpace;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.arbiter.optimize.distribution.LogUniformDistribution;
import org.deeplearning4j.arbiter.optimize.parameter.continuous.ContinuousParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.discrete.DiscreteParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.integer.IntegerParameterSpace;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sweep's search space as an Arbiter parameter space: one Arbiter leaf per searched key
 * ({@code log_uniform}: a continuous space over Arbiter's log-uniform distribution, {@code uniform}: continuous,
 * {@code int_uniform}: integer, {@code choice}: discrete over the choices' JSON text). Arbiter's generators draw
 * a number in [0, 1] per leaf; this root maps them to a {@link TrialPoint}.
 */
public final class SweepSpace extends AbstractParameterSpace<TrialPoint> {
    private static final MathContext SIGNIFICANT = new MathContext(6);

    private final List<SearchDomain> domains;
    private final List<ParameterSpace<?>> leaves = new ArrayList<>();

    public SweepSpace(SearchSpace space) {
        this.domains = space.dimensions();
        for (SearchDomain d : domains) {
            leaves.add(leaf(d));
        }
    }

    private static ParameterSpace<?> leaf(SearchDomain d) {
        return switch (d.kind()) {
            case LOG_UNIFORM -> new ContinuousParameterSpace(new LogUniformDistribution(d.low(), d.high()));
            case UNIFORM -> new ContinuousParameterSpace(d.low(), d.high());
            case INT_UNIFORM -> new IntegerParameterSpace((int) d.low(), (int) d.high());
            case CHOICE -> new DiscreteParameterSpace<>(d.choices().stream().map(JsonNode::toString).toList());
        };
    }

    @Override
    public TrialPoint getValue(double[] input) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < leaves.size(); i++) {
            values.add(render(domains.get(i), leaves.get(i).getValue(input)));
        }
        return new TrialPoint(values);
    }

    /** Continuous values keep 6 significant digits (readable configs), clamped to the range. */
    private static String render(SearchDomain d, Object value) {
        if (value instanceof Double x) {
            double rounded = new BigDecimal(x).round(SIGNIFICANT).doubleValue();
            return String.valueOf(Math.max(d.low(), Math.min(d.high(), rounded)));
        }
        return value.toString(); // Integer, or a choice's JSON text
    }

    /** The total over the leaves (Arbiter sizes its random vectors by the root's count). */
    @Override
    public int numParameters() {
        return leaves.stream().mapToInt(ParameterSpace::numParameters).sum();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public List<ParameterSpace> collectLeaves() {
        List<ParameterSpace> out = new ArrayList<>();
        leaves.forEach(l -> out.addAll(l.collectLeaves()));
        return out;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Map<String, ParameterSpace> getNestedSpaces() {
        Map<String, ParameterSpace> out = new LinkedHashMap<>();
        for (int i = 0; i < leaves.size(); i++) {
            out.put(domains.get(i).path(), leaves.get(i));
        }
        return out;
    }

    @Override
    public boolean isLeaf() {
        return false;
    }

    /** Hands each leaf its position in Arbiter's vector, in order. */
    @Override
    public void setIndices(int... indices) {
        int next = 0;
        for (ParameterSpace<?> leaf : leaves) {
            int n = leaf.numParameters();
            int[] own = new int[n];
            System.arraycopy(indices, next, own, 0, n);
            leaf.setIndices(own);
            next += n;
        }
    }

    /** The searched keys, in order. */
    public List<String> keys() {
        return domains.stream().map(SearchDomain::path).toList();
    }
}
