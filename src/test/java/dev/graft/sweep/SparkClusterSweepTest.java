package dev.graft.sweep;

import dev.graft.config.SweepPlan;
import dev.graft.distributed.StandaloneCluster;
import dev.graft.train.StopSignal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code executor: spark} on a real standalone cluster ({@link StandaloneCluster}: a master and two 1-core workers
 * as separate JVMs, the driver in this JVM): two trials at once, one on each executor JVM, stopped from the driver
 * through the shared run folders, resumed from their {@code last.zip}, ending as the same sweep run locally does; a
 * trial surviving the loss of its executor; and the time of a plain sweep in this JVM and on the cluster, printed.
 */
@Tag("slow") // 4-6 minutes on 2 busy cores: every sweep run launches its executor JVMs (mvn -Pslow verify)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class SparkClusterSweepTest {
    private static final Pattern EXECUTOR = Pattern.compile("on executor (\\S+) at .*OMP_NUM_THREADS (\\S+)");
    @TempDir
    static Path dir;
    private static StandaloneCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        SweepTest.makeData(dir);
        cluster = StandaloneCluster.start(dir.resolve("cluster"), 2, "1g");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static final String SWEEP = """
            strategy: random
            trials: 2
            parallel: 2
            seed: 11
            budget: {epochs_per_trial: 1}
            space:
              train.optimizer.lr: {log_uniform: [1.0e-3, 1.0e-2]}
            """;

    @Test
    void twoExecutorsTrainTheTrialsStopOnTheDriversRequestAndResumeAsLocally() throws Exception {
        long localStart = System.nanoTime();
        SweepResult local = stopAndResume(SweepTest.sweep(dir, "cluster-ref", SWEEP));
        double localSeconds = (System.nanoTime() - localStart) / 1e9;

        long clusterStart = System.nanoTime();
        SweepResult onCluster = cluster.asDriver(() ->
                stopAndResume(SweepTest.sweep(dir, "cluster", SWEEP).onSpark(cluster.masterUrl())));
        double clusterSeconds = (System.nanoTime() - clusterStart) / 1e9;

        Set<String> executors = new HashSet<>();
        for (TrialRecord c : onCluster.ranked()) {
            TrialRecord l = local.ranked().stream().filter(r -> r.trial() == c.trial()).findFirst().orElseThrow();
            assertEquals(TrialStatus.COMPLETED, c.status(), c.message() + cluster.logTails());
            assertEquals(l.values(), c.values());
            // Executors run 1 OpenMP thread, this JVM 2: the same training up to float noise.
            assertEquals(l.objective(), c.objective(), 1e-3 * l.objective(), "trial " + c.trial());
            Path run = onCluster.directory().resolve(c.run());
            List<String> placements = Files.readAllLines(run.resolve("train.log")).stream()
                    .filter(line -> line.contains("trial " + c.trial() + " trains in Spark task")).toList();
            assertEquals(2, placements.size(), "the first attempt and the resumed one: " + placements);
            Matcher first = EXECUTOR.matcher(placements.get(0));
            assertTrue(first.find(), placements.get(0));
            assertFalse(first.group(1).equals("driver"), "an executor JVM, not the driver: " + placements.get(0));
            assertEquals("1", first.group(2), "one OpenMP thread per task CPU: " + placements.get(0));
            executors.add(first.group(1));
            assertTrue(Files.isRegularFile(run.resolve("checkpoints/best.zip")));
        }
        assertEquals(2, executors.size(), "the two trials ran at once, one on each executor: " + executors);
        System.out.printf(Locale.ROOT, "sweep of 2 trials x 1 epoch (stopped, resumed): local %.1f s, on 2 "
                + "1-core executors %.1f s; trial seconds local %s, cluster %s%n", localSeconds, clusterSeconds,
                seconds(local), seconds(onCluster));
    }

    /**
     * kill -9 of the executor JVM training a trial, after its first epoch's checkpoint: Spark runs the task again on
     * an executor that is alive, which continues the trial from its last.zip, and the trial ends as it does locally.
     */
    @Test
    void aTrialWhoseExecutorIsKilledContinuesFromItsCheckpointOnAnother() throws Exception {
        String sweep = """
                strategy: grid
                budget: {epochs_per_trial: 4}
                space:
                  train.optimizer.lr: {choice: [3.0e-3]}
                """;
        SweepResult local = new SweepRunner(SweepTest.TRAINER, "test", new SweepTest.Heard())
                .start(SweepTest.sweep(dir, "kill-local", sweep), dir.resolve("experiments"), new StopSignal());
        AtomicReference<String> killed = new AtomicReference<>();
        Thread killer = new Thread(() -> killed.set(killAfterFirstCheckpoint(dir.resolve("experiments/kill"))));
        killer.start();
        SweepResult onCluster = cluster.asDriver(() -> new SweepRunner(SweepTest.TRAINER, "test",
                new SweepTest.Heard()).start(SweepTest.sweep(dir, "kill", sweep).onSpark(cluster.masterUrl()),
                dir.resolve("experiments"), new StopSignal()));
        killer.join();

        assertTrue(killed.get() != null, "an executor was killed mid-trial");
        TrialRecord trial = onCluster.ranked().get(0);
        assertEquals(TrialStatus.COMPLETED, trial.status(), trial.message() + cluster.logTails());
        assertEquals(4, trial.epochs());
        TrialRecord reference = local.ranked().get(0);
        assertEquals(reference.objective(), trial.objective(), 1e-3 * reference.objective());
        List<String> placements = Files.readAllLines(onCluster.directory().resolve(trial.run()).resolve("train.log"))
                .stream().filter(line -> line.contains("trial 1 trains in Spark task")).toList();
        assertEquals(2, placements.size(), placements.toString());
        assertTrue(placements.get(0).contains("on executor " + killed.get() + " at"), placements.toString());
        assertTrue(placements.get(1).endsWith("continuing from last.zip after a failed attempt")
                && !placements.get(1).contains("on executor " + killed.get() + " at"), placements.toString());
    }

    /**
     * Waits until the trial under {@code sweepRoot} has written its first last.zip, then kills (SIGKILL) the
     * executor its train.log names; returns that executor's id (null when nothing was killed within 5 minutes).
     */
    private static String killAfterFirstCheckpoint(Path sweepRoot) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.walk(sweepRoot)) {
                Optional<Path> last = files.filter(f -> f.endsWith("checkpoints/last.zip")).findFirst();
                if (last.isPresent()) {
                    String log = Files.readString(last.get().getParent().getParent().resolve("train.log"));
                    Matcher m = EXECUTOR.matcher(log);
                    if (m.find()) {
                        String id = m.group(1);
                        cluster.executor(id).orElseThrow().destroyForcibly();
                        System.out.println("killed executor " + id + " after the trial's first checkpoint");
                        return id;
                    }
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // the folders are being written: look again
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return null;
            }
        }
        return null;
    }

    /** Wall time of 4 trials x 3 epochs, 2 at a time: in this JVM, and as tasks on the 2 executors. */
    @Test
    void timesAFourTrialSweepLocallyAndOnTheCluster() throws Exception {
        String sweep = """
                strategy: grid
                parallel: 2
                budget: {epochs_per_trial: 3}
                space:
                  train.optimizer.lr: {choice: [1.0e-3, 3.0e-3, 1.0e-2, 3.0e-2]}
                """;
        long localStart = System.nanoTime();
        SweepResult local = new SweepRunner(SweepTest.TRAINER, "test", new SweepTest.Heard())
                .start(SweepTest.sweep(dir, "time-local", sweep), dir.resolve("experiments"), new StopSignal());
        double localSeconds = (System.nanoTime() - localStart) / 1e9;
        long clusterStart = System.nanoTime();
        SweepResult onCluster = cluster.asDriver(() -> new SweepRunner(SweepTest.TRAINER, "test",
                new SweepTest.Heard()).start(SweepTest.sweep(dir, "time-cluster", sweep)
                .onSpark(cluster.masterUrl()), dir.resolve("experiments"), new StopSignal()));
        double clusterSeconds = (System.nanoTime() - clusterStart) / 1e9;
        for (SweepResult r : List.of(local, onCluster)) {
            assertEquals(4, r.ranked().stream().filter(t -> t.status() == TrialStatus.COMPLETED).count(),
                    r.ranked() + cluster.logTails());
        }
        System.out.printf(Locale.ROOT, "sweep of 4 trials x 3 epochs, parallel 2: local %.1f s (trials %s), on 2 "
                        + "1-core executors %.1f s (trials %s); load average %s%n", localSeconds, seconds(local),
                clusterSeconds, seconds(onCluster), Files.readString(Path.of("/proc/loadavg")).strip());
    }

    /** Runs the sweep until both trials train, stops it from the driver, then resumes it to the end. */
    private static SweepResult stopAndResume(SweepPlan plan) throws IOException {
        StopSignal stop = new StopSignal();
        SweepTest.Heard heard = new SweepTest.Heard() {
            @Override
            public synchronized void trialStarted(int trial, int planned, Map<String, String> values) {
                super.trialStarted(trial, planned, values);
                if (started.size() == 2) {
                    stop.request("test stop with both trials running"); // Ctrl-C
                }
            }
        };
        SweepResult stopped = new SweepRunner(SparkSweepTest.STOPS_WHEN_ASKED, "test", heard)
                .start(plan, dir.resolve("experiments"), stop);
        assertEquals("test stop with both trials running", stopped.stopReason());
        for (TrialRecord r : stopped.ranked()) {
            assertEquals(TrialStatus.INTERRUPTED, r.status(), r.message());
            assertTrue(Files.isRegularFile(stopped.directory().resolve(r.run()).resolve("checkpoints/last.zip")));
        }
        SweepResult resumed = new SweepRunner(SweepTest.TRAINER, "test", new SweepTest.Heard())
                .resume(stopped.directory(), new StopSignal());
        assertNull(resumed.stopReason());
        assertEquals(2, resumed.ranked().size());
        return resumed;
    }

    private static String seconds(SweepResult result) {
        return result.ranked().stream().map(r -> String.format(Locale.ROOT, "%.1f", r.seconds())).toList().toString();
    }
}
