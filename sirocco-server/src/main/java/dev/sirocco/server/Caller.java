package dev.sirocco.server;

import dev.sirocco.server.store.StoredKey;
import dev.sirocco.server.store.UsageStore;

/**
 * Who sent the request being handled: a stored key, the {@code --api-key} holder, or an anonymous loopback client.
 * {@link ApiServer} binds it in {@link #CURRENT} around each handler, so the code that finishes a response can
 * charge its usage to the caller without every endpoint passing it along.
 *
 * @param keyId what usage is recorded under: a stored key's id, {@value UsageStore#SERVER_KEY} or {@value UsageStore#ANONYMOUS}
 * @param admin whether it may see everyone's usage (admin keys and the {@code --api-key} holder, who runs the server)
 * @param rpm   requests per minute allowed, or null for no limit
 * @param tpm   tokens per minute allowed, or null for no limit
 */
record Caller(String keyId, boolean admin, Long rpm, Long tpm) {
    static final ScopedValue<Caller> CURRENT = ScopedValue.newInstance();
    static final Caller ANONYMOUS = new Caller(UsageStore.ANONYMOUS, false, null, null);
    static final Caller SERVER_KEY = new Caller(UsageStore.SERVER_KEY, true, null, null);

    static Caller of(StoredKey key) {
        return new Caller(key.id(), key.admin(), key.rpm(), key.tpm());
    }

    /** The caller of the request this thread is handling (anonymous outside any request). */
    static Caller current() {
        return CURRENT.orElse(ANONYMOUS);
    }
}
