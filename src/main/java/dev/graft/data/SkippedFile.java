package dev.graft.data;

/**
 * A file left out of training, with the reason; listed in {@code data-report.json}.
 *
 * @param path   the file (or, for a CSV row whose image is missing, the id it names)
 * @param split  {@code train}/{@code val}/{@code test}, or null when skipped before the seeded split
 * @param label  its class name, when known
 * @param reason what is wrong, in words a user can act on
 */
public record SkippedFile(String path, String split, String label, String reason) {
    @Override
    public String toString() {
        return path + ": " + reason;
    }
}
