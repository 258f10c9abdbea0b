package dev.graft;

/**
 * A failure the user can act on (bad path, wrong weights file, corrupt image folder). The CLI prints only
 * its message, never a stack trace, and exits with {@link #exitCode()}.
 */
public class GraftException extends RuntimeException {
    /** Exit code for a mistake in the command line or config. */
    public static final int USAGE = 2;
    /** Exit code for a failure while running. */
    public static final int RUNTIME = 1;

    private final int exitCode;

    public GraftException(String message) {
        this(message, RUNTIME, null);
    }

    public GraftException(String message, Throwable cause) {
        this(message, RUNTIME, cause);
    }

    public GraftException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public static GraftException usage(String message) {
        return new GraftException(message, USAGE, null);
    }

    public int exitCode() {
        return exitCode;
    }
}
