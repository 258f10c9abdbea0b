package dev.graft.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Hugging Face Hub model as {@code backbone.weights} names it: {@code hf://org/name[@revision]}, or a bare
 * {@code org/name[@revision]} that is not an existing local path (a local file or folder of that name wins) and
 * does not end like a weights file name ({@code .pth}, {@code .safetensors}, {@code .zip}...).
 *
 * @param org      the owner, e.g. {@code microsoft}
 * @param name     the repository, e.g. {@code resnet-50}
 * @param revision branch, tag or commit; {@code main} unless given
 */
public record HubId(String org, String name, String revision) {
    /** Prefix that always means the Hub. */
    public static final String SCHEME = "hf://";
    /** Hub names: letters, digits, {@code -_.}, not starting with a dot or dash. */
    private static final String PART = "[A-Za-z0-9_][A-Za-z0-9_.-]*";
    /** A bare id whose name ends like a weights file is taken as a (missing) path. */
    private static final Pattern FILE_NAME = Pattern.compile("(?i).*\\.(pth|pt|th|bin|safetensors|zip|ckpt|tar)");
    private static final Pattern ID = Pattern.compile("(" + PART + ")/(" + PART + ")(?:@([A-Za-z0-9_./-]+))?");

    public HubId {
        for (String part : new String[] {org, name}) {
            if (part == null || !part.matches(PART) || part.contains("..")) {
                throw new IllegalArgumentException("not a Hub name: " + part);
            }
        }
        if (revision == null || revision.isBlank() || revision.contains("..") || revision.startsWith("/")) {
            throw new IllegalArgumentException("not a revision: " + revision);
        }
    }

    /**
     * The Hub id {@code weights} names, or empty when it is a keyword, a path or an existing file.
     *
     * @throws IllegalArgumentException when it starts with {@code hf://} but is not {@code org/name[@revision]}
     */
    public static Optional<HubId> parse(String weights) {
        if (weights == null) {
            return Optional.empty();
        }
        boolean explicit = weights.startsWith(SCHEME);
        String rest = explicit ? weights.substring(SCHEME.length()) : weights;
        Matcher m = ID.matcher(rest);
        if (!m.matches() || rest.contains("..")) {
            if (explicit) {
                throw new IllegalArgumentException("'" + weights + "' is not a Hub id: expected " + SCHEME
                        + "org/name or " + SCHEME + "org/name@revision, e.g. hf://microsoft/resnet-50");
            }
            return Optional.empty();
        }
        if (!explicit && (Files.exists(Path.of(weights)) || FILE_NAME.matcher(m.group(2)).matches())) {
            return Optional.empty(); // a missing weights file keeps its "no such file" message
        }
        return Optional.of(new HubId(m.group(1), m.group(2), m.group(3) == null ? "main" : m.group(3)));
    }

    /** {@code org/name}. */
    public String repo() {
        return org + "/" + name;
    }

    @Override
    public String toString() {
        return SCHEME + repo() + (revision.equals("main") ? "" : "@" + revision);
    }
}
