package dev.sirocco.server.store;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The {@code api_keys} table: creates keys (storing only their digest), lists, revokes and finds them by secret. */
public final class KeyStore {
    private static final String ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** last_used_at is written at most once a minute per key: one write per request would cost a disk sync each. */
    private static final long LAST_USED_RESOLUTION_SECONDS = 60;
    private static final String COLUMNS = "id, name, prefix, scopes, rpm, tpm, created_at, revoked_at, last_used_at";

    private final Jdbi jdbi;

    public KeyStore(Database database) {
        this.jdbi = database.jdbi();
    }

    /**
     * Creates a key; its secret is in the result and nowhere else.
     *
     * @param rpm requests per minute, or null for no limit
     * @param tpm tokens per minute, or null for no limit
     */
    public NewKey create(String name, boolean admin, Long rpm, Long tpm) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a key's name must not be empty");
        }
        if (rpm != null && rpm < 1 || tpm != null && tpm < 1) {
            throw new IllegalArgumentException("limits must be at least 1 per minute (leave them out for no limit)");
        }
        KeySecret secret = KeySecret.generate();
        List<String> scopes = admin ? List.of(StoredKey.INFERENCE, StoredKey.ADMIN) : List.of(StoredKey.INFERENCE);
        StoredKey key = new StoredKey("key_" + randomId(16), name.strip(), secret.visiblePrefix(), scopes, rpm, tpm,
                Instant.ofEpochSecond(Instant.now().getEpochSecond()), null, null);
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO api_keys (id, name, prefix, secret_sha256, scopes, rpm, tpm, created_at)"
                        + " VALUES (:id, :name, :prefix, :hash, :scopes, :rpm, :tpm, :created)")
                .bind("id", key.id())
                .bind("name", key.name())
                .bind("prefix", key.prefix())
                .bind("hash", secret.sha256())
                .bind("scopes", String.join(" ", scopes))
                .bind("rpm", rpm)
                .bind("tpm", tpm)
                .bind("created", key.created().getEpochSecond())
                .execute());
        return new NewKey(key, secret);
    }

    /** Every key, revoked ones included, oldest first. */
    public List<StoredKey> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM api_keys ORDER BY created_at, id")
                .map((rs, ctx) -> key(rs)).list());
    }

    public Optional<StoredKey> get(String id) {
        return jdbi.withHandle(h -> find(h, "id", id));
    }

    /** Keys that can authenticate a request now. */
    public long countActive() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL").mapTo(Long.class).one());
    }

    /**
     * Revokes key {@code id}: from the moment this returns, the server refuses it (it looks keys up per request).
     *
     * @return the key as now stored, or empty if there is no such key; revoking twice keeps the first time
     */
    public Optional<StoredKey> revoke(String id) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("UPDATE api_keys SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL")
                    .bind("now", Instant.now().getEpochSecond()).bind("id", id).execute();
            return find(h, "id", id);
        });
    }

    /**
     * Sets key {@code id}'s per-minute limits (null: no limit); they apply from its next request on.
     *
     * @return the key as now stored, or empty if there is no such key
     */
    public Optional<StoredKey> setLimits(String id, Long rpm, Long tpm) {
        if (rpm != null && rpm < 1 || tpm != null && tpm < 1) {
            throw new IllegalArgumentException("limits must be at least 1 per minute (leave them out for no limit)");
        }
        return jdbi.inTransaction(h -> {
            h.createUpdate("UPDATE api_keys SET rpm = :rpm, tpm = :tpm WHERE id = :id")
                    .bind("rpm", rpm).bind("tpm", tpm).bind("id", id).execute();
            return find(h, "id", id);
        });
    }

    /** The key whose secret is {@code secret} (revoked or not), noting the use; empty when no key has that secret. */
    public Optional<StoredKey> authenticate(String secret) {
        String hash = new KeySecret(secret).sha256();
        return jdbi.withHandle(h -> {
            Optional<StoredKey> key = find(h, "secret_sha256", hash);
            long now = Instant.now().getEpochSecond();
            if (key.isEmpty() || key.get().isRevoked()) {
                return key;
            }
            StoredKey k = key.get();
            if (k.lastUsed() == null || now - k.lastUsed().getEpochSecond() >= LAST_USED_RESOLUTION_SECONDS) {
                h.createUpdate("UPDATE api_keys SET last_used_at = :now WHERE id = :id").bind("now", now).bind("id", k.id()).execute();
                k = new StoredKey(k.id(), k.name(), k.prefix(), k.scopes(), k.rpm(), k.tpm(), k.created(), k.revoked(),
                        Instant.ofEpochSecond(now));
            }
            return Optional.of(k);
        });
    }

    private static Optional<StoredKey> find(Handle h, String column, String value) {
        return h.createQuery("SELECT " + COLUMNS + " FROM api_keys WHERE " + column + " = :v")
                .bind("v", value).map((rs, ctx) -> key(rs)).findOne();
    }

    private static StoredKey key(ResultSet rs) throws SQLException {
        return new StoredKey(rs.getString("id"), rs.getString("name"), rs.getString("prefix"),
                Arrays.asList(rs.getString("scopes").split(" ")), longOrNull(rs, "rpm"), longOrNull(rs, "tpm"),
                Instant.ofEpochSecond(rs.getLong("created_at")), instantOrNull(rs, "revoked_at"), instantOrNull(rs, "last_used_at"));
    }

    private static Long longOrNull(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static Instant instantOrNull(ResultSet rs, String column) throws SQLException {
        Long v = longOrNull(rs, column);
        return v == null ? null : Instant.ofEpochSecond(v);
    }

    private static String randomId(int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
        }
        return s.toString();
    }
}
