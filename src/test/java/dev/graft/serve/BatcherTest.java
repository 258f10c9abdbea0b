package dev.graft.serve;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dynamic batching on a fake model: calls are grouped as the bounds say and each image gets its own outputs. */
class BatcherTest {
    /** Output of image {@code i} (one float, its id) is {@code [id, 10 * id]}; the first call waits for a latch. */
    private static final class FakeModel implements Batcher.Model {
        final List<Integer> calls = new CopyOnWriteArrayList<>();
        final CountDownLatch firstCallStarted = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public float[][] run(float[] batch, int n) {
            calls.add(n);
            if (calls.size() == 1) {
                firstCallStarted.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (batch[0] < 0) {
                throw new IllegalStateException("the model failed");
            }
            float[][] out = new float[n][];
            for (int i = 0; i < n; i++) {
                out[i] = new float[] {batch[i], 10 * batch[i]};
            }
            return out;
        }
    }

    @Test
    void imagesWaitingDuringACallShareTheNextCallsUpToTheMaxBatch() throws Exception {
        FakeModel model = new FakeModel();
        List<Integer> recorded = new CopyOnWriteArrayList<>();
        try (Batcher batcher = new Batcher(model, 4, Duration.ZERO, recorded::add)) {
            List<CompletableFuture<float[]>> results = new ArrayList<>();
            results.add(batcher.submit(new float[] {0}));
            assertTrue(model.firstCallStarted.await(30, TimeUnit.SECONDS));
            for (int i = 1; i <= 9; i++) {
                results.add(batcher.submit(new float[] {i}));
            }
            model.release.countDown();
            for (int i = 0; i < results.size(); i++) {
                assertArrayEquals(new float[] {i, 10 * i}, results.get(i).get(30, TimeUnit.SECONDS), "image " + i);
            }
            assertEquals(List.of(1, 4, 4, 1), model.calls, "the lone first image ran at once, then 9 in calls of <= 4");
            assertEquals(model.calls, recorded, "every call's size is reported");
        }
    }

    @Test
    void aFailedCallFailsItsImagesAndTheBatcherGoesOn() throws Exception {
        FakeModel model = new FakeModel();
        model.release.countDown();
        try (Batcher batcher = new Batcher(model, 8, Duration.ZERO, n -> { })) {
            CompletableFuture<float[]> bad = batcher.submit(new float[] {-1});
            Exception e = assertThrows(Exception.class, () -> bad.get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof IllegalStateException, e.toString());
            assertArrayEquals(new float[] {3, 30}, batcher.submit(new float[] {3}).get(30, TimeUnit.SECONDS));
        }
    }
}
