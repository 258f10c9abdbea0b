package dev.graft.data;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The evaluation tensors of a pipeline, kept after their first decode up to a memory budget. The evaluation
 * transform has no randomness, so an image's tensor is the same every epoch: a small validation split (the usual
 * fine-tuning job: a few hundred images) is decoded once instead of once per epoch and again for the final
 * evaluation. Images beyond the budget are decoded every time, as before. Cached arrays are shared: readers copy
 * them (into a batch or an NDArray) and never write to them.
 */
final class EvalTensorCache {
    /** Heap the cache may hold: 256 MiB is ~5,000 images at 64 px, ~430 at 224 px. */
    static final long DEFAULT_BUDGET_BYTES = 256L << 20;

    private final long budgetFloats;
    private final AtomicLong usedFloats = new AtomicLong();
    private final Map<ImageEntry, float[]> tensors = new ConcurrentHashMap<>();

    EvalTensorCache(long budgetBytes) {
        this.budgetFloats = budgetBytes / Float.BYTES;
    }

    /** The tensor decoded earlier for {@code entry}, or null. */
    float[] get(ImageEntry entry) {
        return tensors.get(entry);
    }

    /** Keeps {@code tensor} for {@code entry} when the budget has room for it. */
    void offer(ImageEntry entry, float[] tensor) {
        if (usedFloats.addAndGet(tensor.length) > budgetFloats) {
            usedFloats.addAndGet(-tensor.length);
            return;
        }
        if (tensors.putIfAbsent(entry, tensor) != null) {
            usedFloats.addAndGet(-tensor.length); // another thread decoded it at the same time
        }
    }

    /** Images held. */
    int size() {
        return tensors.size();
    }
}
