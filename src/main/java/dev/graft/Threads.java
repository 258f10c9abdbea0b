package dev.graft;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Small thread and exception helpers shared by the packages that run work in the background. */
public final class Threads {
    private Threads() {
    }

    /** Daemon threads named {@code prefix-1}, {@code prefix-2}, ... (they never keep the JVM alive). */
    public static ThreadFactory daemons(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread t = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The innermost cause of {@code e} ({@code e} itself when it has none). */
    public static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
