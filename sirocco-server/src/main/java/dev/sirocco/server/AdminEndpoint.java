package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.server.store.KeyStore;
import dev.sirocco.server.store.NewKey;
import dev.sirocco.server.store.StoredKey;

import java.time.Instant;
import java.util.Set;

/**
 * The web app's admin pages' API (administrators only: an admin key or the {@code --api-key} holder):
 *
 * <pre>{@code
 * GET  /api/admin/keys              {"object": "list", "data": [key, ...]}, oldest first, revoked ones included
 * POST /api/admin/keys              {name, admin?, rpm?, tpm?} -> 201 key with "secret" (shown this once, never stored)
 * POST /api/admin/keys/{id}/revoke  key, revoked from the next request on
 * PATCH /api/admin/keys/{id}        {rpm, tpm} (null: no limit) -> key, held to them from its next request on
 * GET  /api/admin/models            {"object": "list", "data": [{"id", "context_size", "loaded", "active_sequences"?, "queued"?, "memory_bytes"?}]}
 *
 * key: {"id", "name", "prefix", "admin", "rpm", "tpm", "created_at", "revoked_at", "last_used_at"} (times: epoch seconds or null)
 * }</pre>
 *
 * Usage over time is {@code GET /v1/usage}, which shows an administrator everyone's.
 */
final class AdminEndpoint {
    private static final Set<String> CREATE_FIELDS = Set.of("name", "admin", "rpm", "tpm");
    private static final Set<String> LIMIT_FIELDS = Set.of("rpm", "tpm");

    private final KeyStore keys;
    private final ModelRegistry models;

    /** @param keys the stored keys, or null for a server without a database (the key calls are then 404s) */
    AdminEndpoint(KeyStore keys, ModelRegistry models) {
        this.keys = keys;
        this.models = models;
    }

    ObjectNode listKeys() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        keys().list().forEach(k -> data.add(json(k)));
        return root;
    }

    ObjectNode createKey(JsonNode body) {
        RequestFields.onlyKnown(body, CREATE_FIELDS, "");
        String name = RequestFields.requiredString(body, "name", "name").strip();
        if (name.isEmpty() || name.length() > 100) {
            throw ApiException.badField("name", "'name' must hold 1 to 100 characters");
        }
        Boolean admin = RequestFields.optBool(body, "admin", "admin");
        Long rpm = RequestFields.optLong(body, "rpm", 1, Long.MAX_VALUE);
        Long tpm = RequestFields.optLong(body, "tpm", 1, Long.MAX_VALUE);
        NewKey created = keys().create(name, admin != null && admin, rpm, tpm);
        ObjectNode o = json(created.key());
        o.put("secret", created.secret().value());
        return o;
    }

    ObjectNode revokeKey(String id) {
        return json(keys().revoke(id).orElseThrow(
                () -> ApiException.notFound("id", "key_not_found", "no API key has the id '" + id + "' (see GET /api/admin/keys)")));
    }

    ObjectNode setLimits(String id, JsonNode body) {
        RequestFields.onlyKnown(body, LIMIT_FIELDS, "");
        Long rpm = RequestFields.optLong(body, "rpm", 1, Long.MAX_VALUE);
        Long tpm = RequestFields.optLong(body, "tpm", 1, Long.MAX_VALUE);
        return json(keys().setLimits(id, rpm, tpm).orElseThrow(
                () -> ApiException.notFound("id", "key_not_found", "no API key has the id '" + id + "' (see GET /api/admin/keys)")));
    }

    ObjectNode listModels() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        var loaded = models.loaded();
        for (ModelInfo info : models.infos()) {
            ObjectNode m = data.addObject();
            m.put("id", info.id());
            m.put("context_size", info.contextSize());
            var served = loaded.stream().filter(s -> s.id().equals(info.id())).findFirst();
            m.put("loaded", served.isPresent());
            served.ifPresent(s -> {
                m.put("active_sequences", s.scheduler().activeSequences());
                m.put("queued", s.scheduler().queueDepth());
                // weights (mapped) + a KV cache per slot + working memory, as the memory budget counts it; a fine-tune
                // runs on its base's engine and KV caches, so it adds only its adapters' factors
                m.put("memory_bytes", s.adapters() == null ? ModelRegistry.estimateBytes(s) : s.adapters().bytes());
            });
        }
        return root;
    }

    private KeyStore keys() {
        if (keys == null) {
            throw ApiException.notFound(null, "keys_not_stored",
                    "this server stores no keys: it was started without a database (sirocco serve keeps them under --data-dir)");
        }
        return keys;
    }

    private static ObjectNode json(StoredKey k) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", k.id());
        o.put("name", k.name());
        o.put("prefix", k.prefix());
        o.put("admin", k.admin());
        o.put("rpm", k.rpm());
        o.put("tpm", k.tpm());
        o.put("created_at", seconds(k.created()));
        o.put("revoked_at", seconds(k.revoked()));
        o.put("last_used_at", seconds(k.lastUsed()));
        return o;
    }

    private static Long seconds(Instant t) {
        return t == null ? null : t.getEpochSecond();
    }
}
