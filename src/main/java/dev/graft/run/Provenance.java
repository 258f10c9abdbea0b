package dev.graft.run;

import java.time.Instant;
import java.util.Map;

/**
 * What produced a run, written as {@code provenance.json}: enough to tell two runs apart months later.
 *
 * @param gitCommit Graft's source commit, when Graft runs from a git checkout (null otherwise)
 * @param gitDirty  whether that checkout had uncommitted changes to tracked files
 * @param extra     later stages add facts here (e.g. the dataset fingerprint)
 */
public record Provenance(String graftVersion, String gitCommit, Boolean gitDirty, String jvm, String os, String cpu,
                         int cores, String backend, boolean oneDnn, int threads, long seed, Instant startTime,
                         String command, Map<String, Object> extra) {

    /** Collects the facts of this process. Loads ND4J (for the backend). */
    public static Provenance collect(String graftVersion, long seed, String command, Map<String, Object> extra) {
        NativeBackend.Info backend = NativeBackend.info();
        GitState git = GitState.of(graftHome());
        return new Provenance(graftVersion, git.commit(), git.dirty(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                CpuModel.read(), backend.cores(), backend.backend(), backend.oneDnn(), backend.threads(), seed,
                Instant.now(), command, Map.copyOf(extra));
    }

    /** The folder Graft's classes were loaded from (target/classes or the jar's folder). */
    private static java.nio.file.Path graftHome() {
        try {
            return java.nio.file.Path.of(Provenance.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            return java.nio.file.Path.of("").toAbsolutePath();
        }
    }
}
