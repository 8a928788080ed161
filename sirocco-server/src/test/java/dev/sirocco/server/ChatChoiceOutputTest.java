package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.chat.HermesToolCalls;
import dev.sirocco.engine.runtime.GenerationResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** How a chat choice's text becomes the response's message or deltas: prefix, content, tool calls, finish reason. */
class ChatChoiceOutputTest {
    private static final String TWO_CALLS = "Checking.\n<tool_call>\n{\"name\": \"a\", \"arguments\": {\"x\": 1}}\n</tool_call>\n"
            + "<tool_call>\n{\"name\": \"b\", \"arguments\": {}}\n</tool_call>";

    private static Supplier<String> ids() {
        int[] n = {0};
        return () -> "id" + String.format("%07d", ++n[0]);
    }

    @Test
    void wholeAnswerWithCallsHasToolCallsAndFinishesWithToolCallsOnlyWhenItStoppedByItself() {
        ChatChoiceOutput out = new ChatChoiceOutput(new HermesToolCalls(), "Checking.", true, ids());
        out.append(0, TWO_CALLS.substring("Checking.".length()));
        ObjectNode m = out.message(0);
        assertThat(m.get("content").asText()).isEqualTo("Checking.");
        assertThat(m.get("tool_calls")).hasSize(2);
        assertThat(m.get("tool_calls").get(0).toString())
                .isEqualTo("{\"id\":\"id0000001\",\"type\":\"function\",\"function\":{\"name\":\"a\",\"arguments\":\"{\\\"x\\\":1}\"}}");
        assertThat(m.get("tool_calls").get(1).get("function").get("name").asText()).isEqualTo("b");
        assertThat(out.finishReason(0, GenerationResult.FinishReason.STOP)).isEqualTo("tool_calls");
        assertThat(out.finishReason(0, GenerationResult.FinishReason.LENGTH)).isEqualTo("length");
    }

    @Test
    void withoutParallelCallsOnlyTheFirstIsKeptWholeAndStreamed() {
        ChatChoiceOutput whole = new ChatChoiceOutput(new HermesToolCalls(), null, false, ids());
        whole.append(0, TWO_CALLS);
        assertThat(whole.message(0).get("tool_calls")).hasSize(1);

        ChatChoiceOutput streamed = new ChatChoiceOutput(new HermesToolCalls(), null, false, ids());
        List<ObjectNode> deltas = new ArrayList<>();
        for (int i = 0; i < TWO_CALLS.length(); i += 7) {
            deltas.addAll(streamed.accept(0, TWO_CALLS.substring(i, Math.min(TWO_CALLS.length(), i + 7))));
        }
        deltas.addAll(streamed.finish(0));
        List<JsonNode> calls = deltas.stream().filter(d -> d.has("tool_calls")).map(d -> d.get("tool_calls").get(0)).toList();
        assertThat(calls).hasSize(1);
        assertThat(calls.getFirst().get("index").asInt()).isZero();
        assertThat(calls.getFirst().get("function").get("name").asText()).isEqualTo("a");
        assertThat(deltas.stream().filter(d -> d.has("content")).map(d -> d.get("content").asText()).reduce("", String::concat))
                .isEqualTo("Checking.");
        assertThat(streamed.finishReason(0, GenerationResult.FinishReason.STOP)).isEqualTo("tool_calls");
    }

    @Test
    void plainTextCarriesThePrefixOnceWholeAndStreamed() {
        ChatChoiceOutput whole = new ChatChoiceOutput(null, "Once", true, ids());
        whole.append(0, " upon");
        assertThat(whole.message(0).get("content").asText()).isEqualTo("Once upon");
        assertThat(whole.message(0).has("tool_calls")).isFalse();

        ChatChoiceOutput streamed = new ChatChoiceOutput(null, "Once", true, ids());
        List<ObjectNode> deltas = new ArrayList<>(streamed.accept(0, " up"));
        deltas.addAll(streamed.accept(0, "on"));
        deltas.addAll(streamed.finish(0));
        assertThat(deltas).extracting(d -> d.get("content").asText()).containsExactly("Once up", "on");
        // an answer with no text at all still carries its prefix
        ChatChoiceOutput empty = new ChatChoiceOutput(null, "Once", true, ids());
        assertThat(empty.finish(0)).extracting(d -> d.get("content").asText()).containsExactly("Once");
        assertThat(empty.finishReason(0, GenerationResult.FinishReason.STOP)).isEqualTo("stop");
    }
}
