package dev.graft.run;

import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Chooses and describes ND4J's native backend. {@link #configure()} must run before the first ND4J class
 * loads (GraftMain calls it first; the Maven test JVM gets the same flags from the pom).
 */
public final class NativeBackend {
    static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    static final String HELPERS_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";
    static final String ONEDNN_EXTENSION = "-onednn-avx2";
    private static final String ONEDNN_LIBRARY =
            "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64-onednn-avx2/libjnind4jcpu.so";
    static final String CUDNN_EXTENSION = "-cudnn";
    private static final String CUDNN_LIBRARY =
            "org/nd4j/linalg/jcublas/bindings/linux-x86_64-cudnn/libjnind4jcuda.so";
    private static final Logger LOG = LoggerFactory.getLogger(NativeBackend.class);

    private NativeBackend() {
    }

    /**
     * Selects the fastest native build on the class path before ND4J loads: the cuDNN build of the CUDA
     * backend (the {@code cuda} Maven profile), else the oneDNN build of the CPU backend when the CPU has AVX2.
     * Falls back, with one log line, where oneDNN cannot run. An explicit {@code -D} setting is kept.
     */
    public static void configure() {
        ClassLoader loader = NativeBackend.class.getClassLoader();
        String requested = System.getProperty(EXTENSION_PROPERTY);
        if (loader.getResource(CUDNN_LIBRARY) != null) {
            if (requested == null) {
                System.setProperty(EXTENSION_PROPERTY, CUDNN_EXTENSION);
            }
            enableHelpers();
            return;
        }
        boolean available = loader.getResource(ONEDNN_LIBRARY) != null;
        if (available && cpuHasAvx2()) {
            if (requested == null) {
                System.setProperty(EXTENSION_PROPERTY, ONEDNN_EXTENSION);
            }
            enableHelpers();
        } else if (ONEDNN_EXTENSION.equals(requested) || (available && requested == null)) {
            System.clearProperty(EXTENSION_PROPERTY);
            LOG.warn("oneDNN unavailable ({}); using ND4J's default CPU kernels (3-7x slower convolutions)",
                    available ? "this CPU has no AVX2" : "the oneDNN native build is not on the class path");
        }
    }

    /**
     * The native-build settings {@link #configure()} chose, as {@code -Dkey=value} JVM options, for JVMs this one
     * starts indirectly (Spark executors), which never run {@code configure()} themselves.
     */
    public static List<String> jvmOptions() {
        List<String> options = new ArrayList<>();
        for (String key : new String[] {EXTENSION_PROPERTY, HELPERS_PROPERTY}) {
            String value = System.getProperty(key);
            if (value != null) {
                options.add("-D" + key + "=" + value);
            }
        }
        return options;
    }

    /** DL4J M2.1 disables its oneDNN / cuDNN layer helpers unless told otherwise. */
    private static void enableHelpers() {
        if (System.getProperty(HELPERS_PROPERTY) == null) {
            System.setProperty(HELPERS_PROPERTY, "false");
        }
    }

    /** What the loaded backend is: name, oneDNN state, threads. Loads ND4J. */
    public static Info info() {
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        String backend = String.valueOf(env.getOrDefault("backend", Nd4j.getBackend().getClass().getSimpleName()));
        boolean oneDnn = oneDnnActive();
        int threads = Nd4j.getEnvironment().maxMasterThreads();
        return new Info(backend, oneDnn, threads, Runtime.getRuntime().availableProcessors());
    }

    /** True when ND4J runs its oneDNN kernels and DL4J's layers use them. */
    static boolean oneDnnActive() {
        try {
            return org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper.mklDnnEnabled();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Backend facts for the start-up line and provenance. */
    public record Info(String backend, boolean oneDnn, int threads, int cores) {
        public String summary() {
            return "backend " + backend + ", oneDNN " + (oneDnn ? "on" : "off") + ", " + threads + " threads ("
                    + cores + " cores)";
        }
    }

    private static boolean cpuHasAvx2() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        try {
            if (Files.isReadable(cpuinfo)) {
                return Files.readString(cpuinfo).contains(" avx2");
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
