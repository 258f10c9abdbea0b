package dev.graft.train;

import dev.graft.GraftException;
import dev.graft.config.DataConfig;

import java.util.List;

/**
 * The positive class of a binary task: {@code data.positive_class}, or by default the second class in label
 * order (PNEUMONIA after NORMAL), as scikit-learn takes the greater label. Multi-class tasks have none.
 */
final class PositiveClass {
    /** The index given to metrics of a task that has no positive class (they ignore it). */
    static final int NONE = -1;

    private PositiveClass() {
    }

    /**
     * The positive class's index in {@code classes}; {@link #NONE} for more than two classes.
     *
     * @throws GraftException (usage) when {@code data.positive_class} names no class of the data, or the task
     *                        is not binary
     */
    static int index(DataConfig data, List<String> classes) {
        String named = data.positiveClass();
        if (named == null) {
            return classes.size() == 2 ? 1 : NONE;
        }
        if (classes.size() != 2) {
            throw GraftException.usage("data.positive_class needs a binary task, but the data has "
                    + classes.size() + " classes " + classes);
        }
        int index = classes.indexOf(named);
        if (index < 0) {
            throw GraftException.usage("data.positive_class: '" + named + "' is not a class of the data "
                    + classes);
        }
        return index;
    }

    /** The index metrics use as the binary score: the positive class, or 1 (ignored) for multi-class tasks. */
    static int forMetrics(int positive) {
        return positive == NONE ? 1 : positive;
    }
}
