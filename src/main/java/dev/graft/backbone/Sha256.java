package dev.graft.backbone;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** SHA-256 digests of files, compared in full or against a published prefix. */
public final class Sha256 {
    private Sha256() {
    }

    /** A fresh SHA-256 digest (always available on a JVM). */
    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    /** Lower-case hex digest of {@code file}. */
    public static String of(Path file) throws IOException {
        MessageDigest md = digest();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
            }
        }
        return hex(md.digest());
    }

    /** Lower-case hex of a digest. */
    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    /** True when {@code actual} equals {@code expected}, or starts with it when a prefix is all that is known. */
    public static boolean matches(String actual, String expected) {
        String e = expected.toLowerCase(Locale.ROOT);
        return e.length() >= 8 && actual.toLowerCase(Locale.ROOT).startsWith(e);
    }
}
