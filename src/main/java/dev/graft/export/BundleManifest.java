package dev.graft.export;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * A bundle's {@code bundle.json}: what it holds and where it came from.
 *
 * @param formatVersion  version of this bundle layout (1)
 * @param graftVersion   the Graft version that exported it
 * @param created        export time, ISO-8601
 * @param name           the experiment name
 * @param arch           the backbone architecture id
 * @param sourceRun      the run folder exported (absolute), or null when only a checkpoint was given
 * @param checkpoint     the checkpoint file exported
 * @param epoch          epochs completed when that checkpoint was written
 * @param formats        model formats present: {@code dl4j}, {@code onnx}
 * @param classes        number of classes
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record BundleManifest(int formatVersion, String graftVersion, String created, String name, String arch,
                             String sourceRun, String checkpoint, int epoch, List<String> formats, int classes) {
    /** The current layout version. */
    public static final int FORMAT_VERSION = 1;

    public BundleManifest {
        formats = List.copyOf(formats);
    }
}
