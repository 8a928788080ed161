package dev.sirocco.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.common.parameters.Parameters;

import java.util.List;

/** Cursor pages as both APIs list objects: {@code {"object": "list", "data", "has_more", "first_id", "last_id"}}, {@code ?after=ID&limit=N}. */
final class Pages {
    private Pages() {
    }

    /** {@code limit} from the query: 1 to 10000, {@code fallback} when absent (OpenAI's defaults differ per list). */
    static int limit(Parameters q, int fallback) {
        String text = q.first("limit").orElse(null);
        if (text == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= 10_000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.badField("limit", "'limit' must be an integer from 1 to 10000, got '" + text + "'");
    }

    static ObjectNode list(List<ObjectNode> data, boolean hasMore) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("object", "list");
        var arr = root.putArray("data");
        data.forEach(arr::add);
        root.put("has_more", hasMore);
        if (data.isEmpty()) {
            root.putNull("first_id");
            root.putNull("last_id");
        } else {
            root.put("first_id", data.getFirst().get("id").asText());
            root.put("last_id", data.getLast().get("id").asText());
        }
        return root;
    }
}
