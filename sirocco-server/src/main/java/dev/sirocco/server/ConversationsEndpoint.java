package dev.sirocco.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.server.store.ChatMessage;
import dev.sirocco.server.store.Conversation;
import dev.sirocco.server.store.ConversationStore;
import dev.sirocco.server.store.StoredMessage;
import io.helidon.common.uri.UriQuery;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The web app's conversations, {@code /api/conversations}, each owned by the caller's key (anonymous on loopback):
 *
 * <pre>{@code
 * GET    /api/conversations[?q=TEXT][&limit=N]  {"object": "list", "data": [conversation without messages, ...]}, newest change first
 * POST   /api/conversations                     {title?, model?, system_prompt?, settings?, messages?} -> 201 conversation
 * GET    /api/conversations/{id}                conversation with "messages"
 * PATCH  /api/conversations/{id}                {title?, model?, system_prompt?, settings?} -> conversation
 * DELETE /api/conversations/{id}                {"id", "object": "conversation.deleted", "deleted": true}
 * POST   /api/conversations/{id}/messages       {messages, replace_from?} -> {"object": "list", "data": [message, ...]}
 *
 * conversation: {"id", "object": "conversation", "title", "model", "system_prompt", "settings": {temperature?, top_p?, max_tokens?},
 *                "created_at", "updated_at" (epoch ms)}
 * message: {"position", "role": "user"|"assistant"|"tool", "content", "tool_calls"?, "tool_call_id"?, "model"?, "finish_reason"?,
 *           "prompt_tokens"?, "completion_tokens"?, "tokens_per_second"?, "created_at"}
 * }</pre>
 *
 * {@code replace_from} drops the messages from that position on before appending: an edited question or a
 * regenerated answer replaces what followed it. Another caller's conversation is a 404, as one that does not exist.
 */
final class ConversationsEndpoint {
    static final String DEFAULT_TITLE = "New chat";
    private static final int MAX_TITLE = 200;
    private static final int MAX_LIST = 500;
    private static final Set<String> CONVERSATION_FIELDS = Set.of("title", "model", "system_prompt", "settings", "messages");
    private static final Set<String> PATCH_FIELDS = Set.of("title", "model", "system_prompt", "settings");
    private static final Set<String> APPEND_FIELDS = Set.of("messages", "replace_from");
    private static final Set<String> SETTINGS_FIELDS = Set.of("temperature", "top_p", "max_tokens");
    private static final Set<String> MESSAGE_FIELDS = Set.of("role", "content", "tool_calls", "tool_call_id", "model",
            "finish_reason", "prompt_tokens", "completion_tokens", "tokens_per_second");
    private static final Set<String> ROLES = Set.of("user", "assistant", "tool");

    private final ConversationStore store;

    /** @param store the conversations kept, or null for a server without a database (every call is then a 404) */
    ConversationsEndpoint(ConversationStore store) {
        this.store = store;
    }

    ObjectNode list(UriQuery query) {
        String q = query.first("q").map(String::strip).filter(s -> !s.isEmpty()).orElse(null);
        int limit = MAX_LIST;
        if (query.first("limit").isPresent()) {
            String v = query.first("limit").get();
            try {
                limit = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIST) {
                throw ApiException.badField("limit", "'limit' must be an integer from 1 to " + MAX_LIST + ", got '" + v + "'");
            }
        }
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        store().list(owner(), q, limit).forEach(c -> data.add(json(c)));
        return root;
    }

    ObjectNode create(JsonNode body) {
        RequestFields.onlyKnown(body, CONVERSATION_FIELDS, "");
        String title = body.has("title") && !body.get("title").isNull() ? title(body) : DEFAULT_TITLE;
        List<ChatMessage> messages = body.has("messages") && !body.get("messages").isNull() ? messages(body) : List.of();
        Conversation c = store().create(owner(), title, optString(body, "model"), optString(body, "system_prompt"),
                settings(body.get("settings")), messages);
        return withMessages(c);
    }

    ObjectNode get(String id) {
        return withMessages(find(id));
    }

    ObjectNode update(String id, JsonNode body) {
        RequestFields.onlyKnown(body, PATCH_FIELDS, "");
        Conversation c = find(id);
        // a field given replaces the stored one; model and system_prompt may be cleared with null
        String title = body.has("title") ? title(body) : c.title();
        String model = body.has("model") ? optString(body, "model") : c.model();
        String system = body.has("system_prompt") ? optString(body, "system_prompt") : c.systemPrompt();
        String settings = body.has("settings") ? settings(body.get("settings")) : c.settings();
        return json(store().update(owner(), id, title, model, system, settings).orElseThrow(() -> notFound(id)));
    }

    ObjectNode delete(String id) {
        if (!store().delete(owner(), id)) {
            throw notFound(id);
        }
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("id", id);
        root.put("object", "conversation.deleted");
        root.put("deleted", true);
        return root;
    }

    ObjectNode append(String id, JsonNode body) {
        RequestFields.onlyKnown(body, APPEND_FIELDS, "");
        List<ChatMessage> messages = messages(body);
        Long from = RequestFields.optLong(body, "replace_from", 0, Integer.MAX_VALUE);
        List<StoredMessage> stored;
        try {
            stored = store().replaceFrom(owner(), id, from, messages).orElseThrow(() -> notFound(id));
        } catch (IllegalArgumentException e) {
            throw ApiException.badField("replace_from", "'replace_from': " + e.getMessage());
        }
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        stored.forEach(m -> data.add(json(m)));
        return root;
    }

    private ConversationStore store() {
        if (store == null) {
            throw ApiException.notFound(null, "conversations_not_kept",
                    "this server keeps no conversations: it was started without a database (sirocco serve keeps them under --data-dir)");
        }
        return store;
    }

    private static String owner() {
        return Caller.current().keyId();
    }

    private Conversation find(String id) {
        return store().get(owner(), id).orElseThrow(() -> notFound(id));
    }

    private static ApiException notFound(String id) {
        return ApiException.notFound("id", "conversation_not_found", "no conversation '" + id + "' belongs to this API key");
    }

    private static String title(JsonNode body) {
        String t = RequestFields.requiredString(body, "title", "title").strip();
        if (t.isEmpty()) {
            throw ApiException.badField("title", "'title' must not be empty");
        }
        if (t.length() > MAX_TITLE) {
            throw ApiException.badField("title", "'title' may hold at most " + MAX_TITLE + " characters, got " + t.length());
        }
        return t;
    }

    private static String optString(JsonNode obj, String name) {
        return optString(obj, name, name);
    }

    private static String optString(JsonNode obj, String name, String path) {
        JsonNode v = obj.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.badField(path, "'" + path + "' must be a string, got " + RequestFields.kind(v));
        }
        return v.asText();
    }

    /** Sampling settings, checked with the chat API's ranges, as the JSON text stored. */
    private static String settings(JsonNode v) {
        if (v == null || v.isNull()) {
            return "{}";
        }
        if (!v.isObject()) {
            throw ApiException.badField("settings", "'settings' must be an object, got " + RequestFields.kind(v));
        }
        RequestFields.onlyKnown(v, SETTINGS_FIELDS, "settings.");
        ObjectNode out = Json.MAPPER.createObjectNode();
        Double temperature = number(v, "temperature", "settings.temperature", 0, 2, false);
        Double topP = number(v, "top_p", "settings.top_p", 0, 1, false);
        Double maxTokens = number(v, "max_tokens", "settings.max_tokens", 1, 1_000_000, true);
        if (temperature != null) {
            out.put("temperature", temperature);
        }
        if (topP != null) {
            out.put("top_p", topP);
        }
        if (maxTokens != null) {
            out.put("max_tokens", maxTokens.longValue());
        }
        return out.toString();
    }

    private static Double number(JsonNode obj, String name, String path, double min, double max, boolean integral) {
        JsonNode v = obj.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || integral && !v.canConvertToExactIntegral()) {
            throw ApiException.badField(path, "'" + path + "' must be " + (integral ? "an integer" : "a number") + ", got "
                    + (v.isNumber() ? v.toString() : RequestFields.kind(v)));
        }
        double d = v.asDouble();
        if (!(d >= min && d <= max)) {
            throw ApiException.badField(path, "'" + path + "' must be between " + (long) min + " and " + (long) max + ", got " + v);
        }
        return d;
    }

    private static List<ChatMessage> messages(JsonNode body) {
        JsonNode v = body.get("messages");
        if (v == null || v.isNull()) {
            throw ApiException.badField("messages", "'messages' is required");
        }
        if (!v.isArray()) {
            throw ApiException.badField("messages", "'messages' must be an array, got " + RequestFields.kind(v));
        }
        List<ChatMessage> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            out.add(message(v.get(i), "messages[" + i + "]"));
        }
        return out;
    }

    private static ChatMessage message(JsonNode m, String path) {
        if (!m.isObject()) {
            throw ApiException.badField(path, "'" + path + "' must be an object, got " + RequestFields.kind(m));
        }
        RequestFields.onlyKnown(m, MESSAGE_FIELDS, path + ".");
        String role = RequestFields.requiredString(m, "role", path + ".role");
        if (!ROLES.contains(role)) {
            throw ApiException.badField(path + ".role", "'" + path + ".role' must be user, assistant or tool, got '" + role
                    + "' (a conversation's system prompt is its system_prompt field)");
        }
        String content = RequestFields.requiredString(m, "content", path + ".content");
        String toolCalls = null;
        JsonNode calls = m.get("tool_calls");
        if (calls != null && !calls.isNull()) {
            if (!calls.isArray() || !role.equals("assistant")) {
                throw ApiException.badField(path + ".tool_calls", "'" + path + ".tool_calls' must be an array, on an assistant message");
            }
            try {
                toolCalls = Json.MAPPER.writeValueAsString(calls);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        Double prompt = number(m, "prompt_tokens", path + ".prompt_tokens", 0, Integer.MAX_VALUE, true);
        Double completion = number(m, "completion_tokens", path + ".completion_tokens", 0, Integer.MAX_VALUE, true);
        Double speed = number(m, "tokens_per_second", path + ".tokens_per_second", 0, 1e9, false);
        return new ChatMessage(role, content, toolCalls, optString(m, "tool_call_id", path + ".tool_call_id"),
                optString(m, "model", path + ".model"), optString(m, "finish_reason", path + ".finish_reason"),
                prompt == null ? null : prompt.longValue(), completion == null ? null : completion.longValue(), speed);
    }

    private ObjectNode withMessages(Conversation c) {
        ObjectNode root = json(c);
        ArrayNode messages = root.putArray("messages");
        store().messages(c.id()).forEach(m -> messages.add(json(m)));
        return root;
    }

    private static ObjectNode json(Conversation c) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", c.id());
        o.put("object", "conversation");
        o.put("title", c.title());
        o.put("model", c.model());
        o.put("system_prompt", c.systemPrompt());
        try {
            o.set("settings", Json.MAPPER.readTree(c.settings()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored settings of " + c.id() + " are not JSON", e);
        }
        o.put("created_at", c.createdAt());
        o.put("updated_at", c.updatedAt());
        return o;
    }

    private static ObjectNode json(StoredMessage s) {
        ChatMessage m = s.message();
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("position", s.position());
        o.put("role", m.role());
        o.put("content", m.content());
        if (m.toolCalls() != null) {
            try {
                o.set("tool_calls", Json.MAPPER.readTree(m.toolCalls()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("stored tool calls are not JSON", e);
            }
        }
        putIfSet(o, "tool_call_id", m.toolCallId());
        putIfSet(o, "model", m.model());
        putIfSet(o, "finish_reason", m.finishReason());
        if (m.promptTokens() != null) {
            o.put("prompt_tokens", m.promptTokens());
        }
        if (m.completionTokens() != null) {
            o.put("completion_tokens", m.completionTokens());
        }
        if (m.tokensPerSecond() != null) {
            o.put("tokens_per_second", m.tokensPerSecond());
        }
        o.put("created_at", s.createdAt());
        return o;
    }

    private static void putIfSet(ObjectNode o, String name, String value) {
        if (value != null) {
            o.put(name, value);
        }
    }
}
