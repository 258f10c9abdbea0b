package dev.graft.backbone;

/**
 * How Graft names the vertices of a backbone graph. Every name starts with its stage, so a vertex's stage is
 * visible in logs and summaries: {@code stem.conv}, {@code stage2.block0.conv1}, {@code stage2.block0.add},
 * {@code stage2.block0.out}. Names never contain {@code _} (DL4J joins vertex and parameter names with it).
 */
public final class VertexNames {
    /** The graph's single input, NCHW float images already normalised with the backbone's mean/std. */
    public static final String INPUT = "input";
    /** The stem's stage name and vertex prefix. */
    public static final String STEM = "stem";
    /** Global average pool: the 2-D {@code [N, C]} feature vertex a new head attaches to. */
    public static final String FEATURES = "avgpool";
    /** The optional classifier (logits, identity activation) on top of {@link #FEATURES}. */
    public static final String CLASSIFIER = "fc";

    private VertexNames() {
    }

    /** Stage name for 1-based stage {@code s}: {@code stage1}, {@code stage2}, ... */
    public static String stage(int s) {
        return "stage" + s;
    }

    /** Prefix of block {@code b} (0-based) of stage {@code s} (1-based): {@code stage2.block0}. */
    public static String block(int s, int b) {
        return stage(s) + ".block" + b;
    }
}
