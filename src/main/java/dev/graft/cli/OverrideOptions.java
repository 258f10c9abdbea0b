package dev.graft.cli;

import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** {@code --set KEY=VALUE}, written once for every command that reads an experiment file. */
final class OverrideOptions {
    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a config value, e.g. --set train.epochs=5 (repeatable; each key once).")
    List<String> overrides = new ArrayList<>();
}
