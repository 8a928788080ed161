package dev.sirocco.server;

import dev.sirocco.server.store.UsageStore;

import java.time.Clock;
import java.time.LocalDate;

/**
 * Charges a finished completion or embedding request to its {@link Caller}: its tokens count against the key's
 * tokens-per-minute limit, and one request plus its tokens are added to the key's row for the model and the UTC day
 * (when the server has a database). Called on the request's thread before the response is sent, so the usage is on
 * disk when the client reads the answer.
 */
final class UsageMeter {
    private static final System.Logger LOG = System.getLogger(UsageMeter.class.getName());

    private final UsageStore store;
    private final KeyQuotas quotas;
    private final Clock clock;

    /** @param store where usage is kept, or null for a server without a database (then only quotas see it) */
    UsageMeter(UsageStore store, KeyQuotas quotas, Clock clock) {
        this.store = store;
        this.quotas = quotas;
        this.clock = clock;
    }

    void record(String model, long promptTokens, long completionTokens) {
        Caller caller = Caller.current();
        quotas.spend(caller, promptTokens + completionTokens);
        if (store == null) {
            return;
        }
        try {
            store.add(caller.keyId(), LocalDate.now(clock.withZone(java.time.ZoneOffset.UTC)), model, promptTokens, completionTokens);
        } catch (RuntimeException e) {
            // The generation is done and paid for in compute: a failed accounting write should not cost the client
            // its answer. It is logged loudly instead.
            LOG.log(System.Logger.Level.ERROR, "could not record usage of " + caller.keyId() + " on " + model, e);
        }
    }
}
