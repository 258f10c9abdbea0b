package dev.graft.cli;

import dev.graft.GraftException;
import dev.graft.config.ConfigError;
import dev.graft.config.ConfigException;
import dev.graft.run.NativeBackend;
import dev.graft.run.StartupClock;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

import java.io.PrintWriter;

/**
 * Entry point of the {@code graft} command line. Maps failures to exit codes: 2 for usage and configuration
 * mistakes, 1 for runtime failures; a user mistake never shows a stack trace unless {@code --verbose}.
 */
public final class GraftMain {
    private GraftMain() {
    }

    public static void main(String[] args) {
        StartupClock.mark("JVM");
        NativeBackend.configure(); // before any ND4J class loads
        int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        System.exit(code);
    }

    /** Runs one command line; returns the exit code. Output and errors go to the given writers. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        GraftCommand root = new GraftCommand();
        CommandLine cli = new CommandLine(root);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionStrategy(parseResult -> {
            LoggingSetup.apply(root.global.verbose, root.global.quiet);
            return new CommandLine.RunLast().execute(parseResult);
        });
        cli.setParameterExceptionHandler((e, cmdArgs) -> {
            err.println("error: " + e.getMessage());
            CommandLine failed = e.getCommandLine();
            err.println("Run '" + failed.getCommandSpec().qualifiedName() + " --help' for usage.");
            err.flush();
            return GraftException.USAGE;
        });
        cli.setExecutionExceptionHandler((e, failed, parseResult) -> report(e, parseResult, err));
        try {
            return cli.execute(args);
        } finally {
            LoggingSetup.defaults(); // in-process callers (tests, services) keep the normal verbosity
        }
    }

    private static int report(Exception e, ParseResult parseResult, PrintWriter err) {
        boolean verbose = parseResult.matchedOptionValue("--verbose", false)
                || parseResult.subcommands().stream().anyMatch(s -> s.matchedOptionValue("--verbose", false));
        int code;
        if (e instanceof ConfigException ce) {
            err.println("error: " + (ce.errors().size() == 1 ? "1 problem" : ce.errors().size() + " problems")
                    + " in " + ce.source() + ":");
            for (ConfigError error : ce.errors()) {
                err.println("  " + error);
            }
            code = GraftException.USAGE;
        } else if (e instanceof GraftException ge) {
            err.println("error: " + ge.getMessage());
            code = ge.exitCode();
        } else {
            err.println("internal error: " + e + (verbose ? "" : " (run with --verbose for the stack trace; a run's "
                    + "train.log has it too)"));
            code = GraftException.RUNTIME;
        }
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }
}
