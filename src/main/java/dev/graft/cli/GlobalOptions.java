package dev.graft.cli;

import picocli.CommandLine.Option;

/** Flags every command accepts. */
final class GlobalOptions {
    @Option(names = {"-v", "--verbose"}, description = "Show library logs and stack traces.",
            scope = picocli.CommandLine.ScopeType.INHERIT)
    boolean verbose;

    @Option(names = {"-q", "--quiet"}, description = "Only warnings and errors (for scripts).",
            scope = picocli.CommandLine.ScopeType.INHERIT)
    boolean quiet;
}
