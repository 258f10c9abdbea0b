package dev.graft.sweep;

import dev.graft.AtomicFiles;
import dev.graft.GraftException;
import dev.graft.config.SweepLoader;
import dev.graft.config.SweepPlan;
import dev.graft.config.YamlFiles;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * A sweep's folder, {@code experiments/<sweep name>/<yyyyMMdd-HHmmss>[-n]/}: {@code sweep.yaml} (the resolved
 * sweep, reading its base from {@code base.yaml}) and {@code base.yaml} (the resolved base experiment) make it
 * self-contained, so {@code --resume} needs nothing else; trials run in {@code trials/trial-NNN/<time>/}.
 */
final class SweepFolder {
    static final String SWEEP = "sweep.yaml";
    static final String BASE = "base.yaml";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private SweepFolder() {
    }

    /** Creates the folder and writes the resolved sweep and base experiment into it. */
    static Path create(Path experimentsRoot, SweepPlan plan, LocalDateTime now) {
        Path parent = experimentsRoot.resolve(plan.sweep().name());
        try {
            Files.createDirectories(parent);
            Path dir = reserve(parent, STAMP.format(now));
            AtomicFiles.writeString(dir.resolve(BASE), "# the base experiment of sweep " + plan.source()
                    + " (from " + plan.baseFile() + "), resolved\n" + YamlFiles.toYaml(plan.base()));
            AtomicFiles.writeString(dir.resolve(SWEEP), "# " + plan.source() + ", resolved; trials start from "
                    + BASE + "\n" + YamlFiles.toYaml(plan.sweep().withBase(BASE)));
            return dir;
        } catch (IOException e) {
            throw new GraftException("cannot create the sweep folder under " + parent + ": " + e.getMessage(), e);
        }
    }

    /** The plan of an existing sweep folder. */
    static SweepPlan load(Path dir) {
        if (!Files.isRegularFile(dir.resolve(SWEEP)) || !Files.isRegularFile(dir.resolve(BASE))) {
            throw GraftException.usage(dir + " is not a sweep folder (it needs " + SWEEP + " and " + BASE + ")");
        }
        return new SweepLoader().load(dir.resolve(SWEEP));
    }

    private static Path reserve(Path parent, String stamp) throws IOException {
        for (int n = 0; ; n++) {
            try {
                return Files.createDirectory(parent.resolve(n == 0 ? stamp : stamp + "-" + n));
            } catch (FileAlreadyExistsException e) {
                // taken in the same second; try the next suffix
            }
        }
    }
}
