package dev.sirocco.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.server.store.StoredKey;

import java.time.Instant;

/**
 * A key as {@code keys list --json} and {@code keys create --json} print it:
 * {@code {"id", "name", "prefix", "scopes": [...], "rpm", "tpm", "created", "revoked", "last_used"}}, times as
 * ISO-8601 UTC, null for no limit / not revoked / never used.
 */
final class KeyJson {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private KeyJson() {
    }

    static ObjectNode of(StoredKey k) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", k.id());
        o.put("name", k.name());
        o.put("prefix", k.prefix());
        k.scopes().forEach(o.putArray("scopes")::add);
        o.put("rpm", k.rpm());
        o.put("tpm", k.tpm());
        o.put("created", time(k.created()));
        o.put("revoked", time(k.revoked()));
        o.put("last_used", time(k.lastUsed()));
        return o;
    }

    static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}
