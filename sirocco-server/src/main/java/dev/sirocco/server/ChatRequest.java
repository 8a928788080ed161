package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sirocco.chat.ChatMessage;
import dev.sirocco.chat.ToolCall;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** A {@code POST /v1/chat/completions} body, OpenAI or Mistral dialect, read into one internal shape. */
record ChatRequest(String model, List<ChatMessage> messages, GenerationParams params) {

    private static final Set<String> FIELDS = Set.of("model", "messages", "temperature", "top_p", "max_tokens",
            "max_completion_tokens", "stop", "seed", "random_seed", "presence_penalty", "frequency_penalty", "n",
            "stream", "stream_options", "user",
            // defined by the APIs, accepted only with their neutral values until implemented (see rejectUnimplemented)
            "response_format",
            "tools", "tool_choice", "parallel_tool_calls", "logprobs", "top_logprobs",
            "safe_prompt", "logit_bias", "prediction");
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");
    private static final Set<String> MESSAGE_FIELDS = Set.of("role", "content", "name", "tool_calls", "tool_call_id", "prefix",
            "annotations"); // OpenAI's response message field, sent back by clients that append the answer as is

    static ChatRequest read(JsonNode body) {
        RequestFields.onlyKnown(body, FIELDS, "");
        rejectUnimplemented(body);
        String model = RequestFields.requiredString(body, "model", "model");
        JsonNode msgs = body.get("messages");
        if (msgs == null || msgs.isNull()) {
            throw ApiException.badField("messages", "'messages' is required");
        }
        if (!msgs.isArray() || msgs.isEmpty()) {
            throw ApiException.badField("messages", "'messages' must be a non-empty array of messages");
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < msgs.size(); i++) {
            messages.add(message(msgs.get(i), "messages[" + i + "]"));
        }
        GenerationParams params = GenerationParams.read(body, true);
        Boolean logprobs = RequestFields.optBool(body, "logprobs", "logprobs");
        Integer top = RequestFields.optInt(body, "top_logprobs", 0, 20);
        if (top != null && !Boolean.TRUE.equals(logprobs)) {
            throw ApiException.badField("top_logprobs", "'top_logprobs' needs 'logprobs': true");
        }
        if (Boolean.TRUE.equals(logprobs)) {
            params = params.withLogprobs(top == null ? 0 : top);
        }
        params = params.withConstraint(ResponseFormat.read(body));
        return new ChatRequest(model, messages, params);
    }

    /** Parameters both APIs define that this server does not implement yet: a clear 400, never ignored. */
    private static void rejectUnimplemented(JsonNode body) {
        // tools, tool_choice, parallel_tool_calls: ToolsRequest; safe_prompt and assistant prefix: ChatPrompt;
        // response_format: ResponseFormat.
        JsonNode bias = body.get("logit_bias");
        if (bias != null && !bias.isNull() && !(bias.isObject() && bias.isEmpty())) {
            throw ApiException.unsupported("logit_bias", "'logit_bias' is not supported yet by this server");
        }
        if (RequestFields.present(body, "prediction")) {
            throw ApiException.unsupported("prediction", "'prediction' is not supported yet by this server");
        }
        if (RequestFields.present(body, "user") && !body.get("user").isTextual()) {
            throw ApiException.badField("user", "'user' must be a string");
        }
    }

    private static ChatMessage message(JsonNode m, String path) {
        if (!m.isObject()) {
            throw ApiException.badField(path, "'" + path + "' must be an object, got " + RequestFields.kind(m));
        }
        RequestFields.onlyKnown(m, MESSAGE_FIELDS, path + ".");
        String role = RequestFields.requiredString(m, "role", path + ".role");
        if (!ROLES.contains(role)) {
            throw ApiException.badField(path + ".role", "'" + path + ".role' must be one of system, user, assistant, tool; got '" + role + "'");
        }
        RequestFields.optBool(m, "prefix", path + ".prefix"); // where it may stand: ChatPrompt
        JsonNode annotations = m.get("annotations");
        if (annotations != null && !annotations.isNull() && !(annotations.isArray() && annotations.isEmpty())) {
            throw ApiException.unsupported(path + ".annotations", "message 'annotations' are not supported yet");
        }
        String content = content(m.get("content"), path + ".content");
        String name = optText(m, "name", path);
        List<ToolCall> calls = toolCalls(m.get("tool_calls"), path + ".tool_calls");
        if (!calls.isEmpty() && !role.equals("assistant")) {
            throw ApiException.badField(path + ".tool_calls", "only assistant messages carry 'tool_calls'");
        }
        String toolCallId = optText(m, "tool_call_id", path);
        if (role.equals("tool")) {
            return ChatMessage.toolResult(toolCallId, name, content == null ? "" : content);
        }
        if (name != null) {
            throw ApiException.unsupported(path + ".name", "'name' on a " + role + " message is not supported yet");
        }
        if (content == null && calls.isEmpty()) {
            throw ApiException.badField(path + ".content", "'" + path + ".content' is required");
        }
        // "developer" is OpenAI's newer name for the system role; templates know "system".
        return new ChatMessage(role.equals("developer") ? "system" : role, content, calls, null, null);
    }

    /** A string, or an array of text chunks ({@code {"type": "text", "text": ...}}) joined in order. */
    private static String content(JsonNode c, String path) {
        if (c == null || c.isNull()) {
            return null;
        }
        if (c.isTextual()) {
            return c.asText();
        }
        if (!c.isArray()) {
            throw ApiException.badField(path, "'" + path + "' must be a string or an array of text chunks, got " + RequestFields.kind(c));
        }
        StringBuilder text = new StringBuilder();
        for (int j = 0; j < c.size(); j++) {
            JsonNode chunk = c.get(j);
            String cp = path + "[" + j + "]";
            if (!chunk.isObject()) {
                throw ApiException.badField(cp, "'" + cp + "' must be an object, got " + RequestFields.kind(chunk));
            }
            String type = RequestFields.requiredString(chunk, "type", cp + ".type");
            if (!type.equals("text")) {
                throw ApiException.unsupported(cp + ".type", "content chunks of type '" + type + "' are not supported yet; only 'text' is");
            }
            RequestFields.onlyKnown(chunk, Set.of("type", "text"), cp + ".");
            text.append(RequestFields.requiredString(chunk, "text", cp + ".text"));
        }
        return text.toString();
    }

    private static List<ToolCall> toolCalls(JsonNode calls, String path) {
        if (calls == null || calls.isNull()) {
            return List.of();
        }
        if (!calls.isArray()) {
            throw ApiException.badField(path, "'" + path + "' must be an array");
        }
        List<ToolCall> out = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            JsonNode call = calls.get(i);
            String cp = path + "[" + i + "]";
            if (!call.isObject()) {
                throw ApiException.badField(cp, "'" + cp + "' must be an object");
            }
            JsonNode fn = call.get("function");
            if (fn == null || !fn.isObject()) {
                throw ApiException.badField(cp + ".function", "'" + cp + ".function' is required and must be an object");
            }
            String name = RequestFields.requiredString(fn, "name", cp + ".function.name");
            JsonNode args = fn.get("arguments");
            // OpenAI sends arguments as JSON text, Mistral as text or an object.
            String argsJson = args == null || args.isNull() ? "{}" : args.isTextual() ? args.asText() : args.toString();
            out.add(new ToolCall(optText(call, "id", cp), name, argsJson));
        }
        return out;
    }

    private static String optText(JsonNode obj, String name, String path) {
        JsonNode v = obj.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.badField(path + "." + name, "'" + path + "." + name + "' must be a string");
        }
        return v.asText();
    }
}
