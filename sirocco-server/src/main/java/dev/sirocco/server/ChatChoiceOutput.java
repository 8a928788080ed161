package dev.sirocco.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.chat.ParsedOutput;
import dev.sirocco.chat.ToolCall;
import dev.sirocco.chat.ToolCallEvent;
import dev.sirocco.chat.ToolCallFormat;
import dev.sirocco.chat.ToolCallStream;
import dev.sirocco.engine.runtime.GenerationResult;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Turns each chat choice's generated text into the response: the assistant prefix (if any) and then the text as
 * content, or, when tools are on, as content and tool calls read by the model's {@link ToolCallFormat}. The whole
 * answer becomes one {@code message}; a streamed one becomes deltas, a call sent whole in one delta (with its index,
 * id, type, name and arguments) since Mistral's SDK needs name and arguments in every tool-call delta and OpenAI's
 * accepts them whole.
 */
final class ChatChoiceOutput {
    private final ToolCallFormat format;
    private final String prefix;
    private final boolean parallel;
    private final Supplier<String> ids;
    private final Map<Integer, Choice> choices = new HashMap<>();

    /** One choice's state: its text so far (whole answers) or its reader (streamed ones), and calls reported. */
    private static final class Choice {
        final StringBuilder text = new StringBuilder();
        ToolCallStream stream;
        boolean prefixSent;
        int calls;
    }

    /**
     * @param format   reads tool calls, or null for plain text
     * @param prefix   the text the answer starts with (Mistral's assistant prefix), or null
     * @param parallel false: only the first call of an answer is kept ({@code parallel_tool_calls: false})
     */
    ChatChoiceOutput(ToolCallFormat format, String prefix, boolean parallel, Supplier<String> ids) {
        this.format = format;
        this.prefix = prefix == null ? "" : prefix;
        this.parallel = parallel;
        this.ids = ids;
    }

    /** Text only: completions answered in the chat shape (FIM). */
    static ChatChoiceOutput plain() {
        return new ChatChoiceOutput(null, null, true, () -> CompletionEndpoints.randomId(9));
    }

    /** For a chat request: tool calls are read when the request has tools on and the model's format is known. */
    static ChatChoiceOutput of(ChatPrompt prompt, ServedModel model) {
        ToolCallFormat format = prompt.tools().active() && model.toolFormat() != null
                ? model.toolFormat().forTools(prompt.tools().tools()) : null;
        return new ChatChoiceOutput(format, prompt.prefix(), prompt.tools().parallel(), () -> CompletionEndpoints.randomId(9));
    }

    /** Whether generated text must print the format's control tokens. */
    boolean readsToolCalls() {
        return format != null;
    }

    private Choice choice(int index) {
        return choices.computeIfAbsent(index, i -> new Choice());
    }

    /** Whole answers: adds generated text of choice {@code index}. */
    void append(int index, String piece) {
        choice(index).text.append(piece);
    }

    /** Whole answers: the assistant message of choice {@code index} once its text is complete. */
    ObjectNode message(int index) {
        Choice c = choice(index);
        String text = prefix + c.text;
        ObjectNode message = Json.MAPPER.createObjectNode();
        message.put("role", "assistant");
        if (format == null) {
            message.put("content", text);
            return message;
        }
        ParsedOutput out = ToolCallStream.parse(format, text, ids);
        List<ToolCall> calls = parallel || out.calls().size() <= 1 ? out.calls() : out.calls().subList(0, 1);
        c.calls = calls.size();
        if (out.content() == null) {
            message.putNull("content");
        } else {
            message.put("content", out.content());
        }
        if (!calls.isEmpty()) {
            ArrayNode array = message.putArray("tool_calls");
            for (ToolCall call : calls) {
                array.add(toolCall(call, -1));
            }
        }
        return message;
    }

    /**
     * Streamed answers: the deltas ({@code content} and {@code tool_calls} objects, without {@code role}) that this
     * piece of choice {@code index} completes; none while text is held back.
     */
    List<ObjectNode> accept(int index, String piece) {
        Choice c = choice(index);
        if (format == null) {
            String text = c.prefixSent ? piece : prefix + piece;
            c.prefixSent = true;
            return text.isEmpty() ? List.of() : List.of(contentDelta(text));
        }
        List<ToolCallEvent> events = new ArrayList<>();
        if (c.stream == null) {
            c.stream = new ToolCallStream(format, ids);
            events.addAll(c.stream.accept(prefix));
        }
        events.addAll(c.stream.accept(piece));
        return deltas(c, events);
    }

    /** Streamed answers: what choice {@code index} still holds once its generation has ended. */
    List<ObjectNode> finish(int index) {
        Choice c = choice(index);
        if (format == null) {
            boolean unsent = !c.prefixSent && !prefix.isEmpty();
            c.prefixSent = true;
            return unsent ? List.of(contentDelta(prefix)) : List.of();
        }
        if (c.stream == null) {
            c.stream = new ToolCallStream(format, ids);
            List<ToolCallEvent> events = new ArrayList<>(c.stream.accept(prefix));
            events.addAll(c.stream.finish());
            return deltas(c, events);
        }
        return deltas(c, c.stream.finish());
    }

    /** "tool_calls" when the answer ended by itself after calling tools (as llama.cpp's server reports it). */
    String finishReason(int index, GenerationResult.FinishReason reason) {
        if (reason == GenerationResult.FinishReason.STOP && choice(index).calls > 0) {
            return "tool_calls";
        }
        return CompletionEndpoints.finishReason(reason);
    }

    private List<ObjectNode> deltas(Choice c, List<ToolCallEvent> events) {
        List<ObjectNode> out = new ArrayList<>();
        for (ToolCallEvent e : events) {
            switch (e) {
                case ToolCallEvent.Content t -> out.add(contentDelta(t.text()));
                case ToolCallEvent.Call call -> {
                    if (!parallel && call.index() > 0) {
                        continue;
                    }
                    c.calls++;
                    ObjectNode delta = Json.MAPPER.createObjectNode();
                    delta.putArray("tool_calls").add(toolCall(call.call(), call.index()));
                    out.add(delta);
                }
            }
        }
        return out;
    }

    private static ObjectNode contentDelta(String text) {
        ObjectNode delta = Json.MAPPER.createObjectNode();
        delta.put("content", text);
        return delta;
    }

    /** OpenAI's tool call: arguments as JSON text; {@code index} only in streamed deltas (-1: none). */
    private static ObjectNode toolCall(ToolCall call, int index) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        if (index >= 0) {
            o.put("index", index);
        }
        o.put("id", call.id());
        o.put("type", "function");
        ObjectNode fn = o.putObject("function");
        fn.put("name", call.name());
        fn.put("arguments", call.argumentsJson());
        return o;
    }
}
