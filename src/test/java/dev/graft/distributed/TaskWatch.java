package dev.graft.distributed;

import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A Spark listener for cluster tests, registered with {@code spark.extraListeners} (Spark creates it; tests reach
 * it through the static fields): runs {@link #onTaskStart} for every task started, and counts failed tasks and
 * lost executors. One driver at a time; {@link #reset()} before each.
 */
public final class TaskWatch extends SparkListener {
    /** What to do when a task starts (on Spark's listener thread, shortly after the executor started it). */
    static volatile Consumer<SparkListenerTaskStart> onTaskStart = task -> { };
    static final AtomicInteger tasksStarted = new AtomicInteger();
    static final AtomicInteger tasksFailed = new AtomicInteger();
    static final AtomicInteger executorsRemoved = new AtomicInteger();
    private static final Map<Integer, String> STAGES = new ConcurrentHashMap<>();

    static void reset() {
        onTaskStart = task -> { };
        tasksStarted.set(0);
        tasksFailed.set(0);
        executorsRemoved.set(0);
        STAGES.clear();
    }

    /** The name Spark gave a stage ("mapPartitions at ...", its call site). */
    static String stageName(int stageId) {
        return STAGES.getOrDefault(stageId, "?");
    }

    /** The {@code spark.extraListeners} setting that installs this listener. */
    static String setting() {
        return TaskWatch.class.getName();
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted submitted) {
        STAGES.put(submitted.stageInfo().stageId(), submitted.stageInfo().name());
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart taskStart) {
        tasksStarted.incrementAndGet();
        onTaskStart.accept(taskStart);
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        if (!(taskEnd.reason() instanceof Success$)) {
            tasksFailed.incrementAndGet();
        }
    }

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
        executorsRemoved.incrementAndGet();
    }
}
