package dev.sirocco.server;

import dev.sirocco.server.store.KeySecret;
import dev.sirocco.server.store.KeyStore;
import dev.sirocco.server.store.StoredKey;

import java.util.Optional;

/**
 * Turns a request's {@code Authorization} header into its {@link Caller}, or a 401.
 *
 * <p>The rules. Beyond loopback, or with {@code --api-key}, every request needs a valid key: the {@code --api-key} key
 * or an unrevoked stored key from {@code sirocco keys create}. On loopback without {@code --api-key}, only this machine
 * can reach the server, so a request without a key is served as {@link Caller#ANONYMOUS}; but a request that presents
 * a Sirocco key ({@code sk-sirocco-...}) must present a valid, unrevoked one, and is then charged to that key (its
 * quotas, its usage). Other bearer tokens on loopback are treated as no key: OpenAI's and Mistral's SDKs refuse to
 * start without some key, and their users pass placeholders such as {@code sk-no-key}, as with llama.cpp's server.
 * Stored keys are looked up on every request, so a revocation applies from the next request on.
 */
final class Authenticator {
    private static final String BEARER = "Bearer ";

    private final ApiKey serverKey;
    private final KeyStore keys;
    private final boolean keyRequired;

    /**
     * @param serverKey   the {@code --api-key} key, or null
     * @param keys        the stored keys, or null when the server has no database
     * @param keyRequired whether a request without a key is refused
     */
    Authenticator(ApiKey serverKey, KeyStore keys, boolean keyRequired) {
        this.serverKey = serverKey;
        this.keys = keys;
        this.keyRequired = keyRequired;
    }

    Caller authenticate(String authorization) {
        if (authorization == null) {
            if (keyRequired) {
                throw unauthorized("no API key given; send 'Authorization: Bearer YOUR_KEY'");
            }
            return Caller.ANONYMOUS;
        }
        boolean bearer = authorization.regionMatches(true, 0, BEARER, 0, BEARER.length());
        String given = bearer ? authorization.substring(BEARER.length()).trim() : "";
        if (!keyRequired && !given.startsWith(KeySecret.PREFIX)) {
            return Caller.ANONYMOUS;
        }
        if (given.isEmpty()) {
            throw unauthorized("the Authorization header must be 'Bearer YOUR_KEY'");
        }
        if (serverKey != null && serverKey.matches(given)) {
            return Caller.SERVER_KEY;
        }
        Optional<StoredKey> stored = keys == null ? Optional.empty() : keys.authenticate(given);
        if (stored.isEmpty()) {
            throw unauthorized("the API key given is not valid");
        }
        if (stored.get().isRevoked()) {
            throw unauthorized("the API key given (" + stored.get().prefix() + "...) was revoked on " + stored.get().revoked());
        }
        return Caller.of(stored.get());
    }

    private static ApiException unauthorized(String message) {
        return new ApiException(401, "invalid_request_error", null, "invalid_api_key", message);
    }
}
