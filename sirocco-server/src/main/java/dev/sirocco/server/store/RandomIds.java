package dev.sirocco.server.store;

import java.security.SecureRandom;

/** Random alphanumeric ids for stored objects ({@code file-…}, {@code ftjob-…}): unguessable, so an id is no hint to another's. */
final class RandomIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private RandomIds() {
    }

    static String of(String prefix, int length) {
        StringBuilder b = new StringBuilder(prefix);
        for (int i = 0; i < length; i++) {
            b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }
}
