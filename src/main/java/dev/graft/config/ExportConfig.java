package dev.graft.config;

import java.util.List;
import java.util.Locale;

/**
 * {@code export:} inference bundle written at the end of training ({@code formats: []} writes none).
 *
 * @param checkpoint which checkpoint to export: best or last
 * @param zip        also pack the bundle folder into one .zip
 */
public record ExportConfig(
        @Doc("Bundle formats: dl4j, onnx ([] = no export)")
        List<Format> formats,
        @Doc("best or last")
        Which checkpoint,
        @Doc("Also pack the bundle into one .zip")
        boolean zip) implements ConfigSection {
    public enum Format {
        DL4J, ONNX;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Which {
        BEST, LAST;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static ExportConfig defaults() {
        return new ExportConfig(List.of(), Which.BEST, false);
    }
}
