package dev.sirocco.server.store;

import java.time.Instant;
import java.util.List;

/**
 * One API key as stored (never its secret).
 *
 * @param id       {@code key_} and 16 random alphanumerics
 * @param prefix   the secret's first characters, to tell keys apart
 * @param scopes   {@value #INFERENCE} always, {@value #ADMIN} for admin keys
 * @param rpm      requests per minute allowed, or null for no limit
 * @param tpm      prompt + completion tokens per minute allowed, or null for no limit
 * @param revoked  when the key was revoked, or null while it is valid
 * @param lastUsed when it last authenticated a request (to the minute), or null if never
 */
public record StoredKey(String id, String name, String prefix, List<String> scopes, Long rpm, Long tpm,
                        Instant created, Instant revoked, Instant lastUsed) {
    public static final String INFERENCE = "inference";
    public static final String ADMIN = "admin";

    public StoredKey {
        scopes = List.copyOf(scopes);
    }

    public boolean admin() {
        return scopes.contains(ADMIN);
    }

    public boolean isRevoked() {
        return revoked != null;
    }
}
