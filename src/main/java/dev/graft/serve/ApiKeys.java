package dev.graft.serve;

import dev.graft.GraftException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys {@code graft serve --api-key-file} accepts: one per line, blank lines and {@code #} comments ignored.
 * A request presents one as {@code Authorization: Bearer KEY} or {@code X-API-Key: KEY}. Keys are compared by
 * their SHA-256 digests with {@link MessageDigest#isEqual} (constant time in the digest) against every key, so the
 * answer's timing says nothing about how much of a key was right, nor which key matched.
 */
public final class ApiKeys {
    /** The header a key may come in besides {@code Authorization: Bearer}. */
    public static final HttpString API_KEY_HEADER = new HttpString("X-API-Key");
    /** Shorter keys are refused at start-up: a guessable key is no access control. */
    public static final int MIN_LENGTH = 16;
    private static final String BEARER = "Bearer ";

    private final List<byte[]> digests;

    private ApiKeys(List<byte[]> digests) {
        this.digests = List.copyOf(digests);
    }

    /**
     * Reads the key file.
     *
     * @throws GraftException (usage) when the file is missing or unreadable, holds no key, or a key is shorter than
     *                        {@value #MIN_LENGTH} characters or contains white space
     */
    public static ApiKeys read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw GraftException.usage("--api-key-file " + file + ": no such file");
        } catch (IOException e) {
            throw GraftException.usage("--api-key-file " + file + ": cannot read it (" + e.getMessage() + ")");
        }
        List<byte[]> digests = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String key = lines.get(i).strip();
            if (key.isEmpty() || key.startsWith("#")) {
                continue;
            }
            if (key.length() < MIN_LENGTH || key.chars().anyMatch(Character::isWhitespace)) {
                throw GraftException.usage("--api-key-file " + file + ", line " + (i + 1) + ": a key must be at "
                        + "least " + MIN_LENGTH + " characters without spaces (e.g. the output of `openssl rand "
                        + "-hex 32`)");
            }
            digests.add(sha256(key));
        }
        if (digests.isEmpty()) {
            throw GraftException.usage("--api-key-file " + file + " holds no key (one key per line; # starts a "
                    + "comment)");
        }
        return new ApiKeys(digests);
    }

    /** How many keys are accepted. */
    public int size() {
        return digests.size();
    }

    /** Whether the request presents one of the keys. */
    boolean accepts(HttpServerExchange exchange) {
        String presented = presented(exchange);
        if (presented == null) {
            return false;
        }
        byte[] digest = sha256(presented);
        boolean match = false;
        for (byte[] key : digests) {
            match |= MessageDigest.isEqual(key, digest);
        }
        return match;
    }

    private static String presented(HttpServerExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return authorization.substring(BEARER.length()).strip();
        }
        String header = exchange.getRequestHeaders().getFirst(API_KEY_HEADER);
        return header == null ? null : header.strip();
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
