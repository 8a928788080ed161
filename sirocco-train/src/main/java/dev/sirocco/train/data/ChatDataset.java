package dev.sirocco.train.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sirocco.chat.ChatMessage;
import dev.sirocco.chat.ChatTemplate;
import dev.sirocco.chat.ToolCall;
import dev.sirocco.engine.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chat fine-tuning data in the OpenAI / Mistral JSONL format: one {@code {"messages": [...], "tools": [...]?}} per
 * line, messages with {@code role} system/user/assistant/tool, {@code content}, assistant {@code tool_calls}
 * ({@code {"id", "type": "function", "function": {"name", "arguments"}}}) and tool {@code tool_call_id}/{@code name}.
 * {@code content} may also be an array of text parts ({@code [{"type": "text", "text": ...}]}), and an assistant
 * message with {@code "weight": 0} (both APIs' way to keep a turn as context only) is not trained on.
 * Each conversation is rendered with the model's chat template and trained on its assistant turns only: the tokens
 * the template adds after the generation prompt of turn i up to the end of turn i (its end-of-turn token included).
 * Every line is validated before training; errors name the line and the problem.
 */
public final class ChatDataset {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");

    private ChatDataset() {
    }

    public static List<Example> load(Path file, ChatTemplate template, Tokenizer tokenizer) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = file.getFileName() + " line " + (i + 1);
            Conversation c = parse(line, where);
            out.add(render(c, template, tokenizer, where));
        }
        if (out.isEmpty()) {
            throw new DatasetException(file.getFileName().toString(), "no conversations (expected one JSON object per line)");
        }
        return out;
    }

    /** A validated conversation. */
    record Conversation(List<ChatMessage> messages, List<Map<String, Object>> tools, boolean[] trained) {
    }

    @SuppressWarnings("unchecked")
    static Conversation parse(String line, String where) {
        JsonNode root;
        try {
            root = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new DatasetException(where, "not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new DatasetException(where, "expected a JSON object {\"messages\": [...]}");
        }
        JsonNode msgs = root.get("messages");
        if (msgs == null || !msgs.isArray() || msgs.isEmpty()) {
            throw new DatasetException(where, "\"messages\" must be a non-empty array");
        }
        List<ChatMessage> messages = new ArrayList<>();
        boolean[] trained = new boolean[msgs.size()];
        boolean hasAssistant = false;
        for (int m = 0; m < msgs.size(); m++) {
            JsonNode msg = msgs.get(m);
            String at = "message " + (m + 1);
            if (!msg.isObject()) {
                throw new DatasetException(where, at + " is not an object");
            }
            JsonNode roleNode = msg.get("role");
            String role = roleNode != null && roleNode.isTextual() ? roleNode.asText() : null;
            if (role == null || !ROLES.contains(role)) {
                throw new DatasetException(where, at + " has role " + (roleNode == null ? "missing" : roleNode)
                        + "; expected \"system\", \"user\", \"assistant\" or \"tool\"");
            }
            String text = content(msg.get("content"), where, at + " (" + role + ")");
            List<ToolCall> calls = new ArrayList<>();
            JsonNode tc = msg.get("tool_calls");
            if (tc != null && !tc.isNull()) {
                if (!role.equals("assistant") || !tc.isArray()) {
                    throw new DatasetException(where, at + ": \"tool_calls\" must be an array on an assistant message");
                }
                for (int k = 0; k < tc.size(); k++) {
                    JsonNode fn = tc.get(k).get("function");
                    if (fn == null || !fn.hasNonNull("name")) {
                        throw new DatasetException(where, at + " tool call " + (k + 1) + " needs \"function\": {\"name\", \"arguments\"}");
                    }
                    JsonNode args = fn.get("arguments");
                    String argsJson = args == null || args.isNull() ? "{}" : args.isTextual() ? args.asText() : args.toString();
                    JsonNode id = tc.get(k).get("id");
                    calls.add(new ToolCall(id == null || id.isNull() ? null : id.asText(), fn.get("name").asText(), argsJson));
                }
            }
            if (text == null && calls.isEmpty()) {
                throw new DatasetException(where, at + " (" + role + ") has no \"content\"" + (role.equals("assistant") ? " and no \"tool_calls\"" : ""));
            }
            JsonNode weight = msg.get("weight");
            if (weight != null && !weight.isNull() && (!role.equals("assistant") || !weight.isNumber()
                    || (weight.asDouble() != 0 && weight.asDouble() != 1))) {
                throw new DatasetException(where, at + ": \"weight\" must be 0 or 1, on an assistant message");
            }
            trained[m] = role.equals("assistant") && (weight == null || weight.isNull() || weight.asDouble() == 1);
            hasAssistant |= trained[m];
            if (role.equals("tool")) {
                messages.add(ChatMessage.toolResult(textOrNull(msg.get("tool_call_id")), textOrNull(msg.get("name")), text));
            } else if (!calls.isEmpty()) {
                messages.add(ChatMessage.toolCalls(text, calls));
            } else {
                messages.add(ChatMessage.of(role, text));
            }
        }
        if (!hasAssistant) {
            throw new DatasetException(where, "no assistant message (with weight 1): nothing to train on");
        }
        List<Map<String, Object>> tools = null;
        JsonNode t = root.get("tools");
        if (t != null && !t.isNull()) {
            if (!t.isArray()) {
                throw new DatasetException(where, "\"tools\" must be an array");
            }
            tools = JSON.convertValue(t, List.class);
        }
        return new Conversation(List.copyOf(messages), tools, trained);
    }

    /** A string, null, or an array of {@code {"type": "text", "text": ...}} parts joined. */
    private static String content(JsonNode content, String where, String at) {
        if (content == null || content.isNull()) {
            return null;
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : content) {
                if (!part.isObject() || !"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw new DatasetException(where, at + " has a content part that is not {\"type\": \"text\", \"text\": ...}");
                }
                sb.append(part.get("text").asText());
            }
            return sb.toString();
        }
        throw new DatasetException(where, at + " has a non-string \"content\"");
    }

    /**
     * The conversation's tokens with weight 1 on each assistant turn: the tokens between the rendering of the turns
     * before it with the generation prompt and the rendering up to and including it.
     */
    static Example render(Conversation c, ChatTemplate template, Tokenizer tokenizer, String where) {
        List<ChatMessage> all = c.messages();
        String full = renderText(template, all, c.tools(), false, where);
        int[] tokens = encode(tokenizer, full);
        float[] weights = new float[tokens.length];
        for (int i = 0; i < all.size(); i++) {
            if (!c.trained()[i]) {
                continue;
            }
            String before = renderText(template, all.subList(0, i), c.tools(), true, where);
            String through = renderText(template, all.subList(0, i + 1), c.tools(), false, where);
            if (!full.startsWith(before) || !full.startsWith(through)) {
                throw new DatasetException(where, "the chat template " + template.name() + " does not render assistant message "
                        + (i + 1) + " as a continuation of the conversation before it, so its tokens cannot be told apart");
            }
            int from = commonPrefix(encode(tokenizer, before), tokens);
            int to = commonPrefix(encode(tokenizer, through), tokens);
            for (int k = from; k < to; k++) {
                weights[k] = 1f;
            }
        }
        Example e = new Example(where, tokens, weights);
        if (e.trainedWeight() == 0) {
            throw new DatasetException(where, "the rendered conversation has no assistant tokens to train on");
        }
        return e;
    }

    private static String renderText(ChatTemplate t, List<ChatMessage> msgs, List<Map<String, Object>> tools, boolean genPrompt, String where) {
        try {
            return t.render(msgs, tools, genPrompt, Map.of());
        } catch (RuntimeException e) {
            throw new DatasetException(where, "the chat template cannot render this conversation: " + e.getMessage());
        }
    }

    /** The rendered text carries BOS itself when the template writes {@code bos_token}; add it only when it does not. */
    static int[] encode(Tokenizer tokenizer, String text) {
        String bos = ModelChatTemplate.text(tokenizer.vocabulary(), tokenizer.vocabulary().bos());
        boolean addSpecial = bos.isEmpty() || !text.startsWith(bos);
        return tokenizer.encode(text, addSpecial, true);
    }

    private static int commonPrefix(int[] a, int[] b) {
        int n = Math.min(a.length, b.length);
        int i = 0;
        while (i < n && a[i] == b[i]) {
            i++;
        }
        return i;
    }

    private static String textOrNull(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }
}
