package dev.graft.cli;

import dev.graft.run.NativeBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code graft env}: what this machine gives Graft (backend, oneDNN, threads, JVM); paste it into bug reports. */
@Command(name = "env", mixinStandardHelpOptions = true,
        description = "Show the compute backend (CPU/CUDA), whether oneDNN is active, threads, JVM and memory.")
final class EnvCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        NativeBackend.Info info = NativeBackend.info();
        PrintWriter out = spec.commandLine().getOut();
        out.println("graft     " + GraftVersion.version());
        out.println("backend   " + info.backend());
        out.println("oneDNN    " + (info.oneDnn() ? "on" : "off"));
        out.println("threads   " + info.threads() + " (" + info.cores() + " cores)");
        out.println("java      " + System.getProperty("java.version") + " " + System.getProperty("java.vm.name"));
        out.println("os        " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        out.println("max heap  " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
        out.flush();
        return 0;
    }
}
