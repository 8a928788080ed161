package dev.sirocco.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.server.store.UsageRow;
import dev.sirocco.server.store.UsageStore;
import io.helidon.common.uri.UriQuery;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * {@code GET /v1/usage[?start=YYYY-MM-DD][&end=YYYY-MM-DD][&key_id=ID]}: requests and tokens per UTC day, key and
 * model, both dates included. A key sees its own usage (an anonymous loopback client sees the anonymous usage); an
 * admin key, or the {@code --api-key} key, sees everyone's and may narrow it with {@code key_id}.
 *
 * <pre>{@code
 * {"object": "usage", "start": "2026-11-01" | null, "end": null,
 *  "data": [{"date": "2026-11-22", "key_id": "key_...", "key_name": "ci" | null, "model": "tiny",
 *            "requests": 3, "prompt_tokens": 30, "completion_tokens": 12, "total_tokens": 42}, ...],
 *  "total": {"requests": 3, "prompt_tokens": 30, "completion_tokens": 12, "total_tokens": 42}}
 * }</pre>
 */
final class UsageEndpoint {
    private final UsageStore store;

    /** @param store the usage kept, or null for a server without a database (every call is then a 404) */
    UsageEndpoint(UsageStore store) {
        this.store = store;
    }

    ObjectNode handle(UriQuery query) {
        if (store == null) {
            throw ApiException.notFound(null, "usage_not_recorded",
                    "this server keeps no usage: it was started without a database (sirocco serve keeps it under --data-dir)");
        }
        LocalDate start = date(query, "start");
        LocalDate end = date(query, "end");
        if (start != null && end != null && end.isBefore(start)) {
            throw ApiException.badField("end", "'end' (" + end + ") is before 'start' (" + start + ")");
        }
        Caller caller = Caller.current();
        String keyId = query.first("key_id").orElse(null);
        if (keyId != null && !caller.admin() && !keyId.equals(caller.keyId())) {
            throw new ApiException(403, "invalid_request_error", "key_id", "insufficient_scope",
                    "only an admin key may read another key's usage");
        }
        List<UsageRow> rows = store.query(caller.admin() ? keyId : caller.keyId(), start, end);

        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("object", "usage");
        root.put("start", start == null ? null : start.toString());
        root.put("end", end == null ? null : end.toString());
        ArrayNode data = root.putArray("data");
        long requests = 0;
        long prompt = 0;
        long completion = 0;
        for (UsageRow r : rows) {
            ObjectNode row = data.addObject();
            row.put("date", r.day().toString());
            row.put("key_id", r.keyId());
            row.put("key_name", r.keyName());
            row.put("model", r.model());
            counts(row, r.requests(), r.promptTokens(), r.completionTokens());
            requests += r.requests();
            prompt += r.promptTokens();
            completion += r.completionTokens();
        }
        counts(root.putObject("total"), requests, prompt, completion);
        return root;
    }

    private static void counts(ObjectNode node, long requests, long prompt, long completion) {
        node.put("requests", requests);
        node.put("prompt_tokens", prompt);
        node.put("completion_tokens", completion);
        node.put("total_tokens", prompt + completion);
    }

    private static LocalDate date(UriQuery query, String name) {
        String value = query.first(name).orElse(null);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.badField(name, "'" + name + "' must be a date as YYYY-MM-DD (UTC days), got '" + value + "'");
        }
    }
}
