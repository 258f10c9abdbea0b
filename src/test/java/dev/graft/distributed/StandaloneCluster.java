package dev.graft.distributed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A Spark standalone cluster on this machine for tests and benchmarks: a {@code Master} and {@code workers}
 * {@code Worker}s (1 core each), each a separate JVM on 127.0.0.1 started from the Spark jars Graft depends on.
 * The workers launch executor JVMs the way a real cluster does, with the command Spark's
 * {@code WorkerCommandBuilder} builds from a {@code SPARK_HOME}; here that is a temporary folder whose empty
 * {@code jars/} satisfies the builder, with Graft's own class path (Scala 2.12.18 included, so the executors
 * never meet Spark 3.1.2's own Scala 2.12.10) handed over in {@code SPARK_DIST_CLASSPATH}, in its order.
 *
 * <p>Executors get their JVM options from the driver ({@code spark.executor.extraJavaOptions}, which Graft fills in
 * for Java 17 when unset).
 *
 * <p>{@link #close()} kills the executors, workers and master (SIGKILL) and waits for them, also after a failed
 * test. Drivers run in the calling JVM with {@link #asDriver}.
 */
public final class StandaloneCluster implements AutoCloseable {
    /** Each executor's heap: a tiny model, its optimizer state and one round's small images fit easily. */
    public static final String EXECUTOR_MEMORY = "768m";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    /** Master and workers only keep books: a small heap, Spark 3.1's add-opens for Java 17. */
    private static final List<String> DAEMON_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC",
            "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");
    private static final String EXECUTOR_CLASS = "CoarseGrainedExecutorBackend";

    private final Path dir;
    private final int masterPort;
    private final int masterUiPort;
    private final List<Process> processes = new ArrayList<>();
    private final List<Process> workers = new ArrayList<>();

    private StandaloneCluster(Path dir) throws IOException {
        this.dir = dir;
        this.masterPort = freePort();
        this.masterUiPort = freePort();
    }

    /**
     * Starts a master and {@code workers} workers (1 core, {@code workerMemory} each, e.g. "1g") under
     * {@code dir} and returns once all workers have registered with the master.
     */
    public static StandaloneCluster start(Path dir, int workers, String workerMemory) throws IOException {
        StandaloneCluster cluster = new StandaloneCluster(dir);
        try {
            cluster.launch(workers, workerMemory);
            return cluster;
        } catch (IOException | RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    private void launch(int workerCount, String workerMemory) throws IOException {
        Path sparkHome = Files.createDirectories(dir.resolve("spark-home"));
        Files.createDirectories(sparkHome.resolve("jars")); // required by WorkerCommandBuilder; the class path
        Files.createDirectories(sparkHome.resolve("conf")); // comes from SPARK_DIST_CLASSPATH
        Files.createDirectories(dir.resolve("logs"));
        processes.add(daemon("master", sparkHome, List.of("org.apache.spark.deploy.master.Master",
                "--host", "127.0.0.1", "--port", String.valueOf(masterPort),
                "--webui-port", String.valueOf(masterUiPort))));
        waitFor(() -> masterState() != null, "the master's web UI on port " + masterUiPort);
        for (int w = 0; w < workerCount; w++) {
            Path work = Files.createDirectories(dir.resolve("work-" + w));
            Process worker = daemon("worker-" + w, sparkHome, List.of("org.apache.spark.deploy.worker.Worker",
                    "--host", "127.0.0.1", "--port", "0", "--webui-port", String.valueOf(freePort()),
                    "--cores", "1", "--memory", workerMemory, "--work-dir", work.toString(), masterUrl()));
            processes.add(worker);
            workers.add(worker);
        }
        waitFor(() -> aliveWorkers() == workerCount, workerCount + " workers registered with the master");
    }

    private Process daemon(String name, Path sparkHome, List<String> mainAndArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(javaBinary()));
        command.addAll(DAEMON_OPTIONS);
        command.addAll(List.of("-cp", classPath()));
        command.addAll(mainAndArgs);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("logs").resolve(name + ".log").toFile());
        builder.environment().putAll(environment(sparkHome));
        return builder.start();
    }

    /** The environment of the master, the workers and, inherited from the workers, the executors. */
    private static Map<String, String> environment(Path sparkHome) {
        Map<String, String> env = new HashMap<>();
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_SCALA_VERSION", "2.12"); // else the builder looks for a Spark source build's folders
        env.put("SPARK_DIST_CLASSPATH", classPath());
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("OMP_WAIT_POLICY", "PASSIVE"); // several JVMs share the cores: no spinning OpenMP threads
        return env;
    }

    /** {@code spark://127.0.0.1:PORT}. */
    public String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    /** Where the master's and workers' output goes ({@code logs/}) and executors' ({@code work-N/app/id/}). */
    public Path directory() {
        return dir;
    }

    /**
     * The Spark settings a driver in this JVM needs for this cluster: loopback addresses, no web UI, one executor
     * of 1 core per worker with {@link #EXECUTOR_MEMORY}.
     */
    public Map<String, String> driverSettings() {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.driver.host", "127.0.0.1");
        conf.put("spark.driver.bindAddress", "127.0.0.1");
        conf.put("spark.ui.enabled", "false");
        conf.put("spark.executor.cores", "1");
        conf.put("spark.cores.max", String.valueOf(workers.size()));
        conf.put("spark.executor.memory", EXECUTOR_MEMORY);
        return conf;
    }

    /**
     * Runs {@code driver} with {@link #driverSettings()} as system properties (where a {@code SparkConf} reads
     * them, as from {@code -Dspark...} on a command line), restoring the previous values afterwards.
     */
    public <T> T asDriver(Callable<T> driver) throws Exception {
        return asDriver(Map.of(), driver);
    }

    /** As {@link #asDriver(Callable)}, with more Spark settings (e.g. {@code spark.task.maxFailures}). */
    public <T> T asDriver(Map<String, String> more, Callable<T> driver) throws Exception {
        Map<String, String> settings = driverSettings();
        settings.putAll(more);
        Map<String, String> previous = new HashMap<>();
        settings.forEach((key, value) -> previous.put(key, System.setProperty(key, value)));
        try {
            return driver.call();
        } finally {
            previous.forEach((key, value) -> {
                if (value == null) {
                    System.clearProperty(key);
                } else {
                    System.setProperty(key, value);
                }
            });
        }
    }

    /** The executor JVMs the workers have launched and that are still running. */
    public List<ProcessHandle> executors() {
        List<ProcessHandle> found = new ArrayList<>();
        for (Process worker : workers) {
            worker.descendants()
                    .filter(p -> p.isAlive() && commandLine(p).contains(EXECUTOR_CLASS))
                    .forEach(found::add);
        }
        return found;
    }

    /** The executor JVM running Spark executor {@code executorId}, if alive. */
    public Optional<ProcessHandle> executor(String executorId) {
        return executors().stream()
                .filter(p -> commandLine(p).contains(" --executor-id " + executorId + " "))
                .findFirst();
    }

    /**
     * A process's command line from {@code /proc} (Linux), arguments joined by spaces. {@code ProcessHandle.Info}
     * gives nothing for these: their class path makes the command line longer than it reads.
     */
    private static String commandLine(ProcessHandle process) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", String.valueOf(process.pid()), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return ""; // gone meanwhile
        }
    }

    /** Workers the master counts as alive. */
    public int aliveWorkers() {
        JsonNode state = masterState();
        return state == null ? -1 : state.path("aliveworkers").asInt(-1);
    }

    /** The master's JSON status page, or null while it does not answer. */
    private JsonNode masterState() {
        try {
            URL url = new URL("http://127.0.0.1:" + masterUiPort + "/json/");
            URLConnection connection = url.openConnection();
            connection.setConnectTimeout(1000);
            connection.setReadTimeout(2000);
            try (var in = connection.getInputStream()) {
                return new ObjectMapper().readTree(in);
            }
        } catch (IOException e) {
            return null;
        }
    }

    private void waitFor(BooleanSupplier ready, String what) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!ready.getAsBoolean()) {
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("a Spark daemon exited (code " + p.exitValue() + ") while "
                            + "waiting for " + what + "; logs in " + dir.resolve("logs") + ":\n" + logTails());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no " + what + " after " + START_TIMEOUT.toSeconds() + " s; logs:\n"
                        + logTails());
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
    }

    /** The last lines of the daemons' logs, for failure messages. */
    public String logTails() {
        StringBuilder text = new StringBuilder();
        try (var files = Files.list(dir.resolve("logs"))) {
            for (Path log : files.sorted().toList()) {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                text.append("== ").append(log.getFileName()).append('\n');
                lines.subList(Math.max(0, lines.size() - 15), lines.size())
                        .forEach(l -> text.append(l).append('\n'));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /** Kills executors, workers and master (SIGKILL) and waits until they are gone. */
    @Override
    public void close() {
        for (ProcessHandle executor : executors()) {
            System.out.println("Spark executor pid " + executor.pid() + ": peak RSS " + peakRss(executor));
        }
        List<ProcessHandle> all = new ArrayList<>();
        for (Process p : processes) {
            p.descendants().forEach(all::add); // executors first: a worker's death does not always take them along
        }
        processes.forEach(p -> all.add(p.toHandle()));
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                // reported by the still-alive check below
            }
        }
        List<Long> alive = all.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList();
        if (!alive.isEmpty()) {
            throw new IllegalStateException("Spark processes still alive after SIGKILL: " + alive);
        }
    }

    /** A process's peak resident memory ({@code VmHWM} in {@code /proc/PID/status}), as "N MB". */
    private static String peakRss(ProcessHandle process) {
        try {
            return Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status")).stream()
                    .filter(l -> l.startsWith("VmHWM:"))
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024 + " MB")
                    .findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    /**
     * The test JVM's class path. Surefire may start the JVM from a manifest-only jar; it then publishes the real
     * class path as {@code surefire.test.class.path}.
     */
    static String classPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
