package dev.graft.config;

import java.nio.charset.StandardCharsets;

/**
 * Derives independent, reproducible seeds from the one root seed, one per concern ("split", "shuffle",
 * "augment", "init", ...), so changing how one concern draws numbers never shifts another.
 */
public final class Seeds {
    private Seeds() {
    }

    /** A 64-bit seed for {@code concern}, stable across runs, JVMs and platforms. */
    public static long derive(long rootSeed, String concern) {
        long h = rootSeed ^ 0x9E3779B97F4A7C15L;
        for (byte b : concern.getBytes(StandardCharsets.UTF_8)) {
            h = mix(h ^ b);
        }
        return mix(h);
    }

    /** SplitMix64 finaliser: spreads every input bit over the output. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
