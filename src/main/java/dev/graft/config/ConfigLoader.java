package dev.graft.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an experiment file plus {@code --set} overrides into a validated {@link ExperimentConfig}.
 *
 * <p>Order: parse YAML; expand environment variables; resolve relative paths against the file's folder;
 * apply overrides (their relative paths resolve against the working directory, as on any command line);
 * bind and validate the schema, then check the files it names ({@link FileChecks}, unless {@link #schemaOnly()}),
 * reporting every problem at once as a {@link ConfigException}.
 */
public final class ConfigLoader {
    private final Map<String, String> environment;
    private final Path workingDirectory;
    private final FileChecks.Scope fileChecks;

    /** A loader for configs about to be used here: the schema, then every file they name must exist. */
    public ConfigLoader() {
        this(System.getenv(), Path.of("").toAbsolutePath());
    }

    public ConfigLoader(Map<String, String> environment, Path workingDirectory) {
        this(environment, workingDirectory, FileChecks.Scope.ALL);
    }

    public ConfigLoader(Map<String, String> environment, Path workingDirectory, FileChecks.Scope fileChecks) {
        this.environment = environment;
        this.workingDirectory = workingDirectory;
        this.fileChecks = fileChecks;
    }

    /**
     * A loader that checks the schema only: for configs read on a machine that need not have their data or
     * weights (a run's or checkpoint's resolved config read by export, evaluate or resume; graft validate
     * --schema-only).
     */
    public static ConfigLoader schemaOnly() {
        return new ConfigLoader(System.getenv(), Path.of("").toAbsolutePath(), FileChecks.Scope.NONE);
    }

    /** The same loader with other file checks. */
    public ConfigLoader checking(FileChecks.Scope scope) {
        return new ConfigLoader(environment, workingDirectory, scope);
    }

    /** Replaces {@code $VAR} / {@code ${VAR}} in the tree's strings from this loader's environment. */
    void expandEnvironment(ObjectNode tree, ConfigErrors errors) {
        TreeEdits.expandEnvironment(tree, "", environment, errors);
    }

    public ExperimentConfig load(Path file) {
        return load(file, List.of());
    }

    public ExperimentConfig load(Path file, List<String> overrides) {
        ObjectNode tree = YamlFiles.readMapping(file);
        Path folder = file.toAbsolutePath().getParent();
        return fromTree(tree, file.toString(), folder, overrides, defaultName(file));
    }

    /** Binds an already-parsed tree; {@code folder} is where relative paths in it start. */
    public ExperimentConfig fromTree(ObjectNode tree, String source, Path folder, List<String> overrides,
                                     String defaultName) {
        ConfigErrors errors = new ConfigErrors();
        TreeEdits.expandEnvironment(tree, "", environment, errors);
        TreeEdits.resolvePaths(tree, folder, TreeEdits.PATH_KEYS);
        checkCollisions(overrides, errors);
        for (String assignment : overrides) {
            ObjectNode single = tree.objectNode();
            TreeEdits.applyOverride(single, assignment, errors);
            TreeEdits.expandEnvironment(single, "", environment, errors);
            TreeEdits.resolvePaths(single, workingDirectory, TreeEdits.PATH_KEYS);
            merge(tree, single);
        }
        // A multi-label or regression head monitors its own metric unless told (the binder reports a bad name).
        HeadConfig.Problem problem = HeadConfig.Problem.parseOrDefault(tree.path("head").path("problem").asText());
        ExperimentConfig defaults = ExperimentConfig.defaults(problem).withName(defaultName);
        ExperimentConfig config = new RecordBinder().bindRecord(tree, ExperimentConfig.class, defaults, "", errors);
        FileChecks.check(config, fileChecks, errors);
        errors.throwIfAny(source);
        return config.withData(config.data().withInput(config.imageSize(), config.cropRatio()));
    }

    /**
     * Two overrides of one key (or of a key and the section holding it) are an error: which one wins would
     * depend on their order on the command line.
     */
    private static void checkCollisions(List<String> overrides, ConfigErrors errors) {
        Map<String, String> seen = new LinkedHashMap<>();
        for (String assignment : overrides) {
            int eq = assignment.indexOf('=');
            if (eq <= 0) {
                continue; // reported by TreeEdits.applyOverride
            }
            String key = assignment.substring(0, eq).trim();
            seen.forEach((earlier, earlierAssignment) -> {
                if (within(key, earlier) || within(earlier, key)) {
                    errors.add("--set " + key, "collides with --set " + earlierAssignment + " (both set "
                            + (key.length() >= earlier.length() ? key : earlier) + "); give each key once");
                }
            });
            seen.putIfAbsent(key, assignment);
        }
    }

    private static boolean within(String key, String section) {
        return key.equals(section) || key.startsWith(section + ".");
    }

    private static void merge(ObjectNode target, ObjectNode patch) {
        patch.fields().forEachRemaining(e -> {
            if (e.getValue().isObject() && target.get(e.getKey()) instanceof ObjectNode existing) {
                merge(existing, (ObjectNode) e.getValue());
            } else {
                target.set(e.getKey(), e.getValue());
            }
        });
    }

    static String defaultName(Path file) {
        String fileName = file.getFileName().toString();
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }
}
