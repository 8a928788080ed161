package dev.sirocco.server.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * An API key's secret: {@code sk-sirocco-} and 256 random bits from {@link SecureRandom} (43 URL-safe base64
 * characters). Only its SHA-256 is stored.
 *
 * <p>Why a plain SHA-256 and not a slow password KDF (bcrypt, scrypt, Argon2): a KDF makes guessing expensive for
 * secrets people choose, which come from a small space. This secret is 256 uniformly random bits; finding one that
 * matches a leaked digest means searching 2^256 candidates, out of reach at any hashing speed, so slowing each
 * guess adds nothing. A fast, unsalted digest also lets the server find a key by its digest in one indexed lookup on
 * every request; that the lookup's timing may depend on the digest of what a client sent teaches it nothing about
 * any stored secret.
 */
public record KeySecret(String value) {
    public static final String PREFIX = "sk-sirocco-";
    /** Characters of the secret kept in clear to tell keys apart: the fixed prefix and 4 random characters (24 bits). */
    static final int VISIBLE_CHARS = PREFIX.length() + 4;
    private static final SecureRandom RANDOM = new SecureRandom();

    public KeySecret {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("a key secret must not be empty");
        }
    }

    /** A new secret with 256 bits of entropy. */
    public static KeySecret generate() {
        byte[] bits = new byte[32];
        RANDOM.nextBytes(bits);
        return new KeySecret(PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bits));
    }

    /** Hex SHA-256 of the whole secret, as stored. */
    public String sha256() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The part shown in listings ({@code sk-sirocco-AbCd}); what stays hidden still holds 232 random bits. */
    public String visiblePrefix() {
        return value.substring(0, Math.min(VISIBLE_CHARS, value.length()));
    }

    @Override
    public String toString() {
        return visiblePrefix() + "..."; // never the whole secret in logs or exception messages
    }
}
