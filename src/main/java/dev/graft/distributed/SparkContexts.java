package dev.graft.distributed;

import dev.graft.GraftException;
import dev.graft.run.NativeBackend;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Starts the Spark context of a run or a sweep: under {@code spark-submit}, or on the configured master. */
public final class SparkContexts {
    private static final Logger LOG = LoggerFactory.getLogger(SparkContexts.class);
    /** How long to wait for a standalone master to accept a connection. */
    static final int CONNECT_TIMEOUT_MS = 3000;
    private static final String STANDALONE = "spark://";
    private static final int STANDALONE_PORT = 7077;

    private static final String EXECUTOR_OPTIONS = "spark.executor.extraJavaOptions";

    private SparkContexts() {
    }

    /**
     * A context named after the run. {@code spark-submit --master} (the {@code spark.master} property) wins over
     * {@code master}; a local master binds to the loopback address and has no web UI; executors elsewhere get
     * {@link #executorJavaOptions()} unless {@code spark.executor.extraJavaOptions} is set, and every executor the
     * launcher's native-code settings ({@link #FORWARDED_ENV}) unless {@code spark.executorEnv.*} sets them.
     *
     * @throws GraftException when Spark cannot start (a bad master URL, no cluster, a context already running);
     *                        exit code 2 when a standalone master accepts no connection
     */
    static JavaSparkContext open(String runName, String master) {
        return open("graft " + (runName == null ? "" : runName), master, conf -> {
        });
    }

    /**
     * A context named {@code appName}, as {@link #open(String, String)}; {@code defaults} adds settings to the
     * configuration {@code spark-submit} and the {@code spark.*} system properties made (with
     * {@link SparkConf#setIfMissing}, so that those win).
     */
    public static JavaSparkContext open(String appName, String master, Consumer<SparkConf> defaults) {
        SparkConf conf = new SparkConf().setAppName(appName);
        defaults.accept(conf);
        forwardLauncherEnvironment(conf, System.getenv());
        if (conf.contains("spark.master")) {
            if (!conf.get("spark.master").equals(master)) {
                LOG.info("Spark master {} from spark-submit (the configured {} not used)",
                        conf.get("spark.master"), master);
            }
        } else {
            conf.setMaster(master);
        }
        if (conf.get("spark.master").startsWith("local")) {
            conf.setIfMissing("spark.ui.enabled", "false");
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        } else {
            conf.setIfMissing(EXECUTOR_OPTIONS, executorJavaOptions());
        }
        checkReachable(conf.get("spark.master"));
        try {
            return new JavaSparkContext(conf);
        } catch (RuntimeException e) {
            throw new GraftException("cannot start Spark on " + conf.get("spark.master") + ": " + e.getMessage(), e);
        }
    }

    /**
     * Settings ./graft exports for ND4J's native code (OpenMP's spin-wait, glibc's mmap threshold; see the
     * launcher): an executor started by a Spark worker does not inherit the driver's environment.
     */
    static final List<String> FORWARDED_ENV = List.of("GOMP_SPINCOUNT", "OMP_WAIT_POLICY", "MALLOC_MMAP_THRESHOLD_");

    /** The driver's ({@code env}'s) {@link #FORWARDED_ENV} values as executor environment, unless configured. */
    static void forwardLauncherEnvironment(SparkConf conf, Map<String, String> env) {
        for (String name : FORWARDED_ENV) {
            String value = env.get(name);
            if (value != null) {
                conf.setIfMissing("spark.executorEnv." + name, value);
            }
        }
    }

    /**
     * What executor JVMs need unless {@code spark.executor.extraJavaOptions} says otherwise: Spark 3.1 predates
     * Java 17's module rules ({@code --add-opens}), DL4J's deep graphs want a larger thread stack, and ND4J's
     * native build is chosen as on this driver (oneDNN when {@link NativeBackend} picked it).
     */
    static String executorJavaOptions() {
        List<String> options = new ArrayList<>(List.of("-Xss4m", "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"));
        options.addAll(NativeBackend.jvmOptions());
        return String.join(" ", options);
    }

    /**
     * Fails fast, naming the master and the cause, when no master of a standalone URL
     * ({@code spark://host:port[,host:port...]}) accepts a TCP connection. Spark itself would retry the
     * registration for about a minute, print pages of stack traces and end with "Cannot call methods on a stopped
     * SparkContext", hiding the cause. Other masters (local, yarn, k8s) are left to Spark.
     */
    static void checkReachable(String master) {
        if (!master.startsWith(STANDALONE)) {
            return;
        }
        List<String> failures = new ArrayList<>();
        for (String hostPort : master.substring(STANDALONE.length()).split(",")) {
            int colon = hostPort.lastIndexOf(':');
            String host = (colon < 0 ? hostPort : hostPort.substring(0, colon)).replaceAll("^\\[|]$", "");
            String port = colon < 0 ? String.valueOf(STANDALONE_PORT) : hostPort.substring(colon + 1);
            if (host.isEmpty() || !port.matches("[0-9]{1,5}")) {
                return; // not an address to probe: Spark reports the URL itself
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, Integer.parseInt(port)), CONNECT_TIMEOUT_MS);
                return;
            } catch (IOException e) {
                failures.add(host + ":" + port + ": " + describe(e));
            }
        }
        throw new GraftException("cannot reach the Spark master " + master + " (" + String.join("; ", failures)
                + "). Start the master (Spark's sbin/start-master.sh) or give the right URL with --spark-master /"
                + " train.distributed.master; local[N] trains on this machine.", GraftException.USAGE, null);
    }

    private static String describe(IOException e) {
        if (e instanceof UnknownHostException) {
            return "unknown host";
        }
        if (e instanceof SocketTimeoutException) {
            return "no answer within " + CONNECT_TIMEOUT_MS / 1000 + " s";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
