package dev.sirocco.train.tokenizer;

import dev.sirocco.chat.ChatMessage;
import dev.sirocco.chat.ChatTemplate;
import dev.sirocco.chat.ParsedOutput;
import dev.sirocco.chat.ToolCall;
import dev.sirocco.chat.ToolCallFormat;
import dev.sirocco.chat.ToolCallStream;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ChatML template our own models use renders turns, tools, calls and results as documented (ChatML turns, tools
 * in the system turn, Hermes-style calls), and the server reads a call in that syntax back as a tool call.
 */
class ChatVocabularyTemplateTest {
    private final ChatTemplate template = new ChatTemplate(ChatVocabulary.chatTemplate(), "<|endoftext|>", "<|im_end|>");

    @Test
    void rendersPlainTurnsAsChatMl() {
        String text = template.render(List.of(ChatMessage.of("system", "Be brief."), ChatMessage.of("user", "Hi"),
                ChatMessage.of("assistant", "Hello!"), ChatMessage.of("user", "Bye")), true);
        assertThat(text).isEqualTo("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                + "<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void rendersToolsCallsAndResultsInHermesSyntax() {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", "get_weather");
        function.put("parameters", Map.of("type", "object"));
        Map<String, Object> tool = new LinkedHashMap<>();
        tool.put("type", "function");
        tool.put("function", function);
        String text = template.render(List.of(ChatMessage.of("user", "Weather in Oslo?"),
                ChatMessage.toolCalls("", List.of(new ToolCall("call10001", "get_weather", "{\"city\": \"Oslo\"}"))),
                ChatMessage.toolResult("call10001", "get_weather", "{\"temperature_c\": 3}")), List.of(tool), false, Map.of());
        assertThat(text).startsWith("<|im_start|>system\nYou may call one or more functions.")
                .contains("<tools>\n{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"parameters\": {\"type\": \"object\"}}}\n</tools>")
                .contains("<|im_start|>user\nWeather in Oslo?<|im_end|>\n")
                .contains("<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call><|im_end|>\n")
                .endsWith("<|im_start|>user\n<tool_response>\n{\"temperature_c\": 3}\n</tool_response><|im_end|>\n");
    }

    @Test
    void theServerReadsACallInTheTemplatesSyntax() {
        ToolCallFormat format = ToolCallFormat.detect(ChatVocabulary.chatTemplate());
        assertThat(format).isNotNull();
        assertThat(format.name()).containsIgnoringCase("hermes");
        ParsedOutput out = ToolCallStream.parse(format,
                "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {\"city\": \"Rome\"}}\n</tool_call>", () -> "abcdefghi");
        assertThat(out.calls()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("get_time");
            assertThat(c.argumentsJson()).contains("\"city\"").contains("\"Rome\"");
        });
    }
}
