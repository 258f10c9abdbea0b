package dev.graft.cli;

import dev.graft.export.Bundle;
import dev.graft.export.TrainedFixture;
import dev.graft.run.RunDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run folder copied to a machine that has neither its training data nor its weights file: its resolved config
 * still binds to the records, so export (with its model card) and evaluate work there.
 */
class TravellingRunTest {
    @TempDir
    Path elsewhere;

    @Test
    void exportAndEvaluateReadARunWhoseDataIsNotOnThisMachine() throws IOException {
        TrainedFixture fixture = TrainedFixture.get();
        Path run = elsewhere.resolve("run");
        copy(fixture.run, run);
        String original = fixture.images.toAbsolutePath().toString();
        travel(run.resolve(RunDirectory.CONFIG), original);
        for (String checkpoint : new String[]{"best.zip", "last.zip"}) {
            try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + run.resolve("checkpoints")
                    .resolve(checkpoint).toUri()), Map.of())) {
                travel(zip.getPath("graft/config.yaml"), original);
            }
        }

        CliRun exported = CliRun.of("export", run.toString(), "--out", elsewhere.resolve("bundle").toString());
        assertEquals(0, exported.code(), exported.err());
        String card = Files.readString(elsewhere.resolve("bundle").resolve(Bundle.MODEL_CARD));
        assertTrue(card.contains("| root | `/data-on-another-machine/colours` |"), card);
        assertTrue(card.contains("| weights source | `/weights-on-another-machine/resnet20.zip` |"), card);
        assertTrue(card.contains("| head | hidden [8], activation gelu, dropout 0.2, batch norm false"), card);

        CliRun evaluated = CliRun.of("evaluate", "--model", run.toString(), "--data", fixture.images.toString(),
                "--out", elsewhere.resolve("predictions.csv").toString());
        assertEquals(0, evaluated.code(), evaluated.err());
        assertTrue(evaluated.out().contains("top-1"), evaluated.out());
    }

    /** Points the config's data and weights at places this machine does not have. */
    private static void travel(Path configYaml, String dataRoot) throws IOException {
        String yaml = Files.readString(configYaml);
        assertTrue(yaml.contains(dataRoot), yaml);
        yaml = yaml.replace(dataRoot, "/data-on-another-machine/colours")
                .replaceFirst("(?m)^  weights: none$", "  weights: /weights-on-another-machine/resnet20.zip");
        Files.writeString(configYaml, yaml);
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }
}
