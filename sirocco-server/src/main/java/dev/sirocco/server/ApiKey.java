package dev.sirocco.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The one API key a server started with {@code --api-key} requires as {@code Authorization: Bearer KEY}.
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

    /** Throws 401 unless {@code authorization} is {@code Bearer <the key>}. */
    void check(String authorization) {
        if (authorization == null) {
            throw unauthorized("no API key given; send 'Authorization: Bearer YOUR_KEY'");
        }
        String prefix = "Bearer ";
        boolean bearer = authorization.regionMatches(true, 0, prefix, 0, prefix.length());
        String given = bearer ? authorization.substring(prefix.length()).trim() : "";
        if (!MessageDigest.isEqual(digest, sha256(given)) || !bearer) {
            throw unauthorized("the API key given is not valid");
        }
    }

    private static ApiException unauthorized(String message) {
        return new ApiException(401, "invalid_request_error", null, "invalid_api_key", message);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
