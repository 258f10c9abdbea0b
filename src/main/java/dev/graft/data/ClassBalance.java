package dev.graft.data;

import dev.graft.config.ClassWeights;
import dev.graft.config.ConfigError;
import dev.graft.config.ConfigException;
import dev.graft.config.PosWeight;
import dev.graft.config.RecordBinder;
import dev.graft.config.Seeds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Class imbalance remedies: loss weights ({@code data.class_weights}), the balanced sampler ({@code data.sampler})
 * and a multi-label head's positive weights ({@code head.pos_weight}).
 */
public final class ClassBalance {
    private static final Logger LOG = LoggerFactory.getLogger(ClassBalance.class);

    private ClassBalance() {
    }

    /**
     * A multi-label head's weight on each label's positive term, in label order, or null for {@code none}.
     * {@code auto}: negatives / positives of the label among the training targets, unknown (NaN, masked) cells not
     * counted, capped at {@link PosWeight#AUTO_CAP}; a label with no positive or no negative there gets 1 (there is
     * nothing to balance) and a warning. A list: as written; a map: the named labels, 1 for the others.
     *
     * @param trainTargets the training split's targets (1/0/NaN per label)
     * @throws ConfigException when a list does not have one weight per label, or a map names an unknown label
     */
    public static float[] positiveWeights(PosWeight config, List<float[]> trainTargets, List<String> labels) {
        return switch (config.mode()) {
            case NONE -> null;
            case AUTO -> autoPositiveWeights(trainTargets, labels);
            case LIST -> {
                if (config.values().size() != labels.size()) {
                    throw new ConfigException("the dataset", List.of(new ConfigError("head.pos_weight", "has "
                            + config.values().size() + " weights for " + labels.size() + " labels " + labels
                            + " (one weight per label, in that order)")));
                }
                float[] w = new float[labels.size()];
                for (int j = 0; j < w.length; j++) {
                    w[j] = config.values().get(j).floatValue();
                }
                yield w;
            }
            case MAP -> {
                List<ConfigError> unknown = new ArrayList<>();
                float[] w = new float[labels.size()];
                java.util.Arrays.fill(w, 1f);
                for (Map.Entry<String, Double> e : config.byLabel().entrySet()) {
                    int j = labels.indexOf(e.getKey());
                    if (j < 0) {
                        unknown.add(new ConfigError("head.pos_weight." + e.getKey(),
                                RecordBinder.unknownValueMessage(e.getKey(), labels)));
                    } else {
                        w[j] = e.getValue().floatValue();
                    }
                }
                if (!unknown.isEmpty()) {
                    throw new ConfigException("the dataset", unknown);
                }
                yield w;
            }
        };
    }

    private static float[] autoPositiveWeights(List<float[]> trainTargets, List<String> labels) {
        float[] w = new float[labels.size()];
        for (int j = 0; j < w.length; j++) {
            long positives = 0;
            long negatives = 0;
            for (float[] target : trainTargets) {
                if (target[j] == 1f) {
                    positives++;
                } else if (target[j] == 0f) {
                    negatives++;
                }
            }
            if (positives == 0 || negatives == 0) {
                LOG.warn("head.pos_weight auto: label '{}' has {} in the training split; its positive weight is 1",
                        labels.get(j), positives == 0 ? "no positive image" : "no negative image");
                w[j] = 1f;
            } else {
                double ratio = (double) negatives / positives;
                if (ratio > PosWeight.AUTO_CAP) {
                    LOG.warn("head.pos_weight auto: label '{}' has {} positives for {} negatives; its positive "
                            + "weight is capped at {} (not {})", labels.get(j), positives, negatives,
                            PosWeight.AUTO_CAP, ratio);
                }
                w[j] = (float) Math.min(PosWeight.AUTO_CAP, ratio);
            }
        }
        return w;
    }

    /**
     * Loss weights per class, or null for {@code none}. {@code auto}: inverse class frequency in train,
     * scaled so the weights average 1 (so the loss keeps its usual magnitude). Explicit: as written.
     *
     * @throws ConfigException when an explicit list does not have one weight per class
     */
    public static float[] weights(ClassWeights config, int[] trainCounts, List<String> classes) {
        return switch (config.mode()) {
            case NONE -> null;
            case AUTO -> inverseFrequency(trainCounts);
            case EXPLICIT -> {
                if (config.weights().size() != classes.size()) {
                    throw new ConfigException("the dataset", List.of(new ConfigError("data.class_weights",
                            "has " + config.weights().size() + " weights for " + classes.size() + " classes "
                                    + classes + " (one weight per class, in that order)")));
                }
                float[] w = new float[classes.size()];
                for (int c = 0; c < w.length; c++) {
                    w[c] = config.weights().get(c).floatValue();
                }
                yield w;
            }
        };
    }

    static float[] inverseFrequency(int[] counts) {
        double[] inverse = new double[counts.length];
        double sum = 0;
        for (int c = 0; c < counts.length; c++) {
            inverse[c] = counts[c] > 0 ? 1.0 / counts[c] : 0;
            sum += inverse[c];
        }
        float[] w = new float[counts.length];
        for (int c = 0; c < counts.length; c++) {
            w[c] = (float) (inverse[c] * counts.length / sum);
        }
        return w;
    }

    /**
     * The balanced sampler: each epoch every class contributes as many samples as the largest class. A class
     * with n images repeats all of them {@code floor(max / n)} times plus a seeded draw (without replacement)
     * of {@code max mod n} more, so every image is used about equally often; the whole epoch is then shuffled.
     */
    public static SampleOrder balanced(int[] labels, int numClasses, long seed) {
        int[][] byClass = groupByClass(labels, numClasses);
        int max = 0;
        for (int[] members : byClass) {
            max = Math.max(max, members.length);
        }
        int perClass = max;
        return epoch -> {
            Random rng = new Random(Seeds.derive(seed, "epoch " + epoch));
            int nonEmpty = 0;
            for (int[] members : byClass) {
                nonEmpty += members.length > 0 ? 1 : 0;
            }
            int[] order = new int[nonEmpty * perClass];
            int k = 0;
            for (int[] members : byClass) {
                if (members.length == 0) {
                    continue;
                }
                for (int r = 0; r < perClass / members.length; r++) {
                    System.arraycopy(members, 0, order, k, members.length);
                    k += members.length;
                }
                int[] extra = members.clone();
                SampleOrder.shuffle(extra, rng);
                int remainder = perClass % members.length;
                System.arraycopy(extra, 0, order, k, remainder);
                k += remainder;
            }
            SampleOrder.shuffle(order, rng);
            return order;
        };
    }

    /** Epoch length of the balanced sampler: classes with images times the largest class count. */
    public static int balancedEpochSize(int[] counts) {
        int max = 0;
        int nonEmpty = 0;
        for (int n : counts) {
            max = Math.max(max, n);
            nonEmpty += n > 0 ? 1 : 0;
        }
        return max * nonEmpty;
    }

    private static int[][] groupByClass(int[] labels, int numClasses) {
        int[] counts = new int[numClasses];
        for (int label : labels) {
            counts[label]++;
        }
        int[][] byClass = new int[numClasses][];
        for (int c = 0; c < numClasses; c++) {
            byClass[c] = new int[counts[c]];
        }
        int[] fill = new int[numClasses];
        for (int i = 0; i < labels.length; i++) {
            byClass[labels[i]][fill[labels[i]]++] = i;
        }
        return byClass;
    }
}
