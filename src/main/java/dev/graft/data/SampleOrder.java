package dev.graft.data;

import dev.graft.config.Seeds;

import java.util.Random;

/**
 * Which images an epoch visits, in which order: indices into a split's {@link ImageDataset#entries}. Pure
 * functions of (seed, epoch), so a resumed run replays the same epochs, and a feature cache can replay the
 * image iterator's order.
 */
@FunctionalInterface
public interface SampleOrder {
    /** The dataset indices of epoch {@code epoch} (0-based), in visiting order. */
    int[] order(int epoch);

    /** Every image once, in dataset order (evaluation). */
    static SampleOrder sequential(int size) {
        return epoch -> {
            int[] order = new int[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            return order;
        };
    }

    /** Every image once per epoch, in an order seeded by {@code seed} and the epoch. */
    static SampleOrder shuffled(int size, long seed) {
        return epoch -> {
            int[] order = sequential(size).order(epoch);
            shuffle(order, new Random(Seeds.derive(seed, "epoch " + epoch)));
            return order;
        };
    }

    /** Fisher-Yates shuffle in place. */
    static void shuffle(int[] values, Random rng) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
    }
}
