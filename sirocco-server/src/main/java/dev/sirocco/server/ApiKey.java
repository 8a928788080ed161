package dev.sirocco.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The one API key a server started with {@code --api-key} accepts (besides stored keys) as {@code Authorization: Bearer KEY}.
 * Compared as SHA-256 digests with {@link MessageDigest#isEqual}: constant time, and the digest hides the key's length.
 */
final class ApiKey {
    private final byte[] digest;

    ApiKey(String key) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("an API key must not be empty");
        }
        this.digest = sha256(key);
    }

    /** Whether {@code given} (the bearer token) is this key. */
    boolean matches(String given) {
        return MessageDigest.isEqual(digest, sha256(given));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
