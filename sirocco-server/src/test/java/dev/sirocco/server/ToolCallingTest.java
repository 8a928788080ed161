package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sirocco.chat.ChatMessage;
import dev.sirocco.chat.ChatTemplate;
import dev.sirocco.chat.ToolCall;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import dev.sirocco.testkit.TokenizerMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tools, tool results, assistant prefixes and {@code safe_prompt} on {@code POST /v1/chat/completions}, over HTTP,
 * on random-weight models carrying real chat templates (Mistral Nemo's, Qwen 2.5's) and one whose template knows no
 * tools. Random weights never call a tool by themselves, so calls are written into an assistant prefix, which the
 * answer continues and carries (as Mistral's API does).
 */
class ToolCallingTest {
    @TempDir
    static Path dir;
    static TestServer server;

    static final String TOOLS = "[{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Weather now\", "
            + "\"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}}}]";

    /** The chat template resources of sirocco-chat's tests: real templates, copied verbatim from llama.cpp. */
    static String template(String name) throws IOException {
        return Files.readString(Path.of("..", "sirocco-chat", "src", "test", "resources", "dev", "sirocco", "chat", "templates", name + ".jinja"));
    }

    /**
     * A tiny random model whose file carries {@code template} as its chat template (null: none, the fallback) and
     * these extra control tokens at the end of its vocabulary (as Mistral's {@code [TOOL_CALLS]} is one).
     */
    static ServedModel model(Path dir, String id, String template, String... controlTokens) throws IOException {
        ModelSpec spec = ModelSpec.tinyLlama();
        Map<String, Object> meta = new LinkedHashMap<>(spec.tokenizer().metadata());
        if (template != null) {
            meta.put("tokenizer.chat_template", template);
        }
        String[] tokens = (String[]) meta.get("tokenizer.ggml.tokens");
        float[] scores = (float[]) meta.get("tokenizer.ggml.scores");
        int[] types = (int[]) meta.get("tokenizer.ggml.token_type");
        int n = tokens.length;
        tokens = java.util.Arrays.copyOf(tokens, n + controlTokens.length);
        scores = java.util.Arrays.copyOf(scores, n + controlTokens.length);
        types = java.util.Arrays.copyOf(types, n + controlTokens.length);
        for (int i = 0; i < controlTokens.length; i++) {
            tokens[n + i] = controlTokens[i];
            types[n + i] = 3; // llama_token_type CONTROL
        }
        meta.put("tokenizer.ggml.tokens", tokens);
        meta.put("tokenizer.ggml.scores", scores);
        meta.put("tokenizer.ggml.token_type", types);
        Path file = RandomModels.write(spec.toBuilder().tokenizer(TokenizerMetadata.of(meta)).build(), dir.resolve(id + ".gguf"));
        return ServedModel.load(file, EngineOptions.defaults().withThreads(1).withContextSize(1024), 8);
    }

    static TestServer startToolServer(Path dir) throws IOException {
        return TestServer.of(List.of(model(dir, "mistral-tools", template("mistralai-Mistral-Nemo-Instruct-2407"), "[TOOL_CALLS]", "[INST]", "[/INST]"),
                model(dir, "qwen-tools", template("Qwen-Qwen2.5-7B-Instruct")), model(dir, "plain", null)));
    }

    @BeforeAll
    static void start() throws Exception {
        server = startToolServer(dir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonNode ok(TestServer.Reply r) throws IOException {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    /** The prompt token count the server must report for {@code prompt}, tokenized as chat prompts are. */
    static int tokens(String model, String prompt) {
        return server.model(model).encodeChat(prompt).length;
    }

    static ChatTemplate templateOf(String model) {
        ServedModel m = server.model(model);
        var v = m.engine().tokenizer().vocabulary();
        return new ChatTemplate(m.engine().file().metadata().getString("tokenizer.chat_template", null), v.tokens()[v.bos()],
                v.tokens()[v.eos()]);
    }

    static List<Map<String, Object>> toolList() throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode t : TestServer.JSON.readTree(TOOLS)) {
            out.add(TestServer.JSON.convertValue(t, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {
            }));
        }
        return out;
    }

    @Test
    void toolResultRoundTripIsRenderedWithTheToolsAndAnswered() throws Exception {
        String body = "{\"model\": \"mistral-tools\", \"max_tokens\": 3, \"temperature\": 0, \"tools\": " + TOOLS + ", \"messages\": ["
                + "{\"role\": \"user\", \"content\": \"Weather in Paris?\"},"
                + "{\"role\": \"assistant\", \"content\": null, \"tool_calls\": [{\"id\": \"abcDEF123\", \"type\": \"function\", "
                + "\"function\": {\"name\": \"get_weather\", \"arguments\": \"{\\\"city\\\": \\\"Paris\\\"}\"}}]},"
                + "{\"role\": \"tool\", \"tool_call_id\": \"abcDEF123\", \"name\": \"get_weather\", \"content\": \"{\\\"temperature\\\": 21}\"}]}";
        JsonNode r = ok(server.post("/v1/chat/completions", body));
        List<ChatMessage> conversation = List.of(ChatMessage.of("user", "Weather in Paris?"),
                ChatMessage.toolCalls(null, List.of(new ToolCall("abcDEF123", "get_weather", "{\"city\": \"Paris\"}"))),
                ChatMessage.toolResult("abcDEF123", "get_weather", "{\"temperature\": 21}"));
        String expected = templateOf("mistral-tools").render(conversation, toolList(), true, Map.of());
        // what the template makes of these turns (checked against the template's text in sirocco-chat's tests)
        assertThat(expected).contains("[AVAILABLE_TOOLS]", "[TOOL_CALLS][{\"name\": \"get_weather\"", "[TOOL_RESULTS]");
        assertThat(r.get("usage").get("prompt_tokens").asInt()).isEqualTo(tokens("mistral-tools", expected))
                .isNotEqualTo(tokens("mistral-tools", templateOf("mistral-tools").render(conversation, null, true, Map.of())));
        assertThat(r.get("choices").get(0).get("message").get("role").asText()).isEqualTo("assistant");
    }

    @Test
    void controlTokensOfTheCallSyntaxAreTheOnesGenerationsPrint() {
        ServedModel m = server.model("mistral-tools");
        int toolCalls = java.util.Arrays.asList(m.engine().tokenizer().vocabulary().tokens()).indexOf("[TOOL_CALLS]");
        assertThat(toolCalls).isPositive();
        // [INST] is a control token too, but no part of a call; ordinary tokens are printed anyway
        assertThat(m.toolTokens()).isEqualTo(Map.of(toolCalls, "[TOOL_CALLS]"));
        assertThat(server.model("qwen-tools").toolTokens()).isEmpty();
        // the prompt holds [TOOL_CALLS] as the one control token, not as its characters
        assertThat(m.encodeChat("[TOOL_CALLS][")).contains(toolCalls);
    }

    @Test
    void aCallWrittenInThePrefixComesBackAsToolCallsWholeAndStreamed() throws Exception {
        String prefix = "[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}]";
        String body = "{\"model\": \"mistral-tools\", \"max_tokens\": 4, \"temperature\": 0, \"tools\": " + TOOLS + ", \"messages\": ["
                + "{\"role\": \"user\", \"content\": \"Weather in Paris?\"},"
                + "{\"role\": \"assistant\", \"content\": " + TestServer.JSON.writeValueAsString(prefix) + ", \"prefix\": true}]}";
        JsonNode whole = ok(server.post("/v1/chat/completions", body));
        JsonNode message = whole.get("choices").get(0).get("message");
        JsonNode call = message.get("tool_calls").get(0);
        assertThat(message.get("tool_calls")).hasSize(1);
        assertThat(call.get("id").asText()).matches("[A-Za-z0-9]{9}");
        assertThat(call.get("type").asText()).isEqualTo("function");
        assertThat(call.get("function").get("name").asText()).isEqualTo("get_weather");
        assertThat(call.get("function").get("arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
        // the prompt is the conversation before the prefix, with the generation prompt, then the prefix
        String before = templateOf("mistral-tools").render(List.of(ChatMessage.of("user", "Weather in Paris?")), toolList(), true, Map.of());
        assertThat(whole.get("usage").get("prompt_tokens").asInt()).isEqualTo(tokens("mistral-tools", before + prefix));

        TestServer.Reply r = server.post("/v1/chat/completions", body.replace("{\"model\"", "{\"stream\": true, \"model\""));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        StringBuilder content = new StringBuilder();
        List<JsonNode> calls = new ArrayList<>();
        String finish = null;
        for (JsonNode e : TestServer.events(r.body())) {
            JsonNode c = e.get("choices").get(0);
            JsonNode delta = c.get("delta");
            if (delta.hasNonNull("content")) {
                content.append(delta.get("content").asText());
            }
            if (delta.has("tool_calls")) {
                delta.get("tool_calls").forEach(calls::add);
            }
            if (!c.get("finish_reason").isNull()) {
                finish = c.get("finish_reason").asText();
            }
        }
        assertThat(calls).hasSize(1);
        assertThat(calls.getFirst().get("index").asInt()).isZero();
        assertThat(calls.getFirst().get("id").asText()).matches("[A-Za-z0-9]{9}");
        assertThat(calls.getFirst().get("function")).isEqualTo(call.get("function"));
        assertThat(content.toString()).isEqualTo(message.get("content").isNull() ? "" : message.get("content").asText());
        assertThat(finish).isEqualTo(whole.get("choices").get(0).get("finish_reason").asText());
    }

    @Test
    void anUnfinishedCallInThePrefixStaysContent() throws Exception {
        String prefix = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Pa";
        String body = "{\"model\": \"qwen-tools\", \"max_tokens\": 3, \"temperature\": 0, \"tools\": " + TOOLS + ", \"messages\": ["
                + "{\"role\": \"user\", \"content\": \"Weather in Paris?\"},"
                + "{\"role\": \"assistant\", \"content\": " + TestServer.JSON.writeValueAsString(prefix) + ", \"prefix\": true}]}";
        JsonNode message = ok(server.post("/v1/chat/completions", body)).get("choices").get(0).get("message");
        assertThat(message.has("tool_calls")).isFalse();
        assertThat(message.get("content").asText()).startsWith(prefix);
    }

    @Test
    void thePrefixIsContinuedAndCarriedInTheAnswer() throws Exception {
        String prefix = "Once upon";
        String body = "{\"model\": \"qwen-tools\", \"max_tokens\": 5, \"temperature\": 0, \"messages\": ["
                + "{\"role\": \"user\", \"content\": \"Tell me a story\"},"
                + "{\"role\": \"assistant\", \"content\": \"" + prefix + "\", \"prefix\": true}]}";
        String content = ok(server.post("/v1/chat/completions", body)).get("choices").get(0).get("message").get("content").asText();
        // the same text as a plain completion of the rendered conversation followed by the prefix
        String rendered = templateOf("qwen-tools").render(List.of(ChatMessage.of("user", "Tell me a story")), true) + prefix;
        JsonNode completion = ok(server.post("/v1/completions", "{\"model\": \"qwen-tools\", \"max_tokens\": 5, \"temperature\": 0, "
                + "\"prompt\": " + TestServer.JSON.writeValueAsString(rendered) + "}"));
        assertThat(content).isEqualTo(prefix + completion.get("choices").get(0).get("text").asText());
    }

    @Test
    void safePromptIsPrependedAsMistralDocumentsIt() throws Exception {
        String safe = "Always assist with care, respect, and truth. Respond with utmost utility yet securely. Avoid harmful, "
                + "unethical, prejudiced, or negative content. Ensure replies promote fairness and positivity.";
        ChatTemplate qwen = templateOf("qwen-tools");
        String withoutSystem = "{\"model\": \"qwen-tools\", \"max_tokens\": 1, \"safe_prompt\": true, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";
        assertThat(ok(server.post("/v1/chat/completions", withoutSystem)).get("usage").get("prompt_tokens").asInt())
                .isEqualTo(tokens("qwen-tools", qwen.render(List.of(ChatMessage.of("system", safe), ChatMessage.of("user", "hi")), true)));
        String withSystem = "{\"model\": \"qwen-tools\", \"max_tokens\": 1, \"safe_prompt\": true, \"messages\": ["
                + "{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": \"hi\"}]}";
        assertThat(ok(server.post("/v1/chat/completions", withSystem)).get("usage").get("prompt_tokens").asInt())
                .isEqualTo(tokens("qwen-tools", qwen.render(List.of(ChatMessage.of("system", safe + "\n\nBe brief."),
                        ChatMessage.of("user", "hi")), true)));
        assertThat(ok(server.post("/v1/chat/completions", withSystem.replace("true", "false"))).get("usage").get("prompt_tokens").asInt())
                .isEqualTo(tokens("qwen-tools", qwen.render(List.of(ChatMessage.of("system", "Be brief."), ChatMessage.of("user", "hi")), true)));
    }

    @Test
    void toolChoiceNoneLeavesToolsOutOfThePrompt() throws Exception {
        String body = "{\"model\": \"qwen-tools\", \"max_tokens\": 1, \"tool_choice\": \"none\", \"tools\": " + TOOLS
                + ", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";
        assertThat(ok(server.post("/v1/chat/completions", body)).get("usage").get("prompt_tokens").asInt())
                .isEqualTo(tokens("qwen-tools", templateOf("qwen-tools").render(List.of(ChatMessage.of("user", "hi")), true)));
        assertThat(ok(server.post("/v1/chat/completions", body.replace("\"none\"", "\"required\""))).get("usage").get("prompt_tokens").asInt())
                .isEqualTo(tokens("qwen-tools", templateOf("qwen-tools").render(List.of(ChatMessage.of("user", "hi")), toolList(), true, Map.of())));
    }

    static final String USER = "{\"role\": \"user\", \"content\": \"x\"}";
    static final String CALL = "{\"role\": \"assistant\", \"tool_calls\": [{\"id\": \"abcDEF123\", \"type\": \"function\", "
            + "\"function\": {\"name\": \"get_weather\", \"arguments\": \"{}\"}}]}";

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', value = {
            "\"tools\": {}                                                                | tools",
            "\"tools\": [5]                                                               | tools[0]",
            "\"tools\": [{\"type\": \"retrieval\", \"function\": {\"name\": \"f\"}}]      | tools[0].type",
            "\"tools\": [{\"type\": \"function\"}]                                        | tools[0].function",
            "\"tools\": [{\"type\": \"function\", \"function\": {}}]                      | tools[0].function.name",
            "\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"get weather\"}}] | tools[0].function.name",
            "\"tools\": [{\"function\": {\"name\": \"f\"}}, {\"function\": {\"name\": \"f\"}}] | tools[1].function.name",
            "\"tools\": [{\"function\": {\"name\": \"f\", \"parameters\": \"{}\"}}]         | tools[0].function.parameters",
            "\"tools\": [{\"function\": {\"name\": \"f\", \"extra\": 1}}]                   | tools[0].function.extra",
            "\"tool_choice\": \"sometimes\"                                               | tool_choice",
            "\"tool_choice\": \"required\"                                                | tool_choice",
            "\"tools\": [{\"function\": {\"name\": \"f\"}}], \"tool_choice\": {\"type\": \"function\", \"function\": {\"name\": \"g\"}} | tool_choice.function.name",
            "\"tools\": [{\"function\": {\"name\": \"f\"}}], \"tool_choice\": {\"type\": \"function\"} | tool_choice.function",
            "\"parallel_tool_calls\": \"yes\"                                             | parallel_tool_calls",
    })
    void badToolFieldsAre400NamingThePath(String field, String param) throws Exception {
        String body = "{\"model\": \"qwen-tools\", \"messages\": [" + USER + "], " + field + "}";
        TestServer.Reply r = server.post("/v1/chat/completions", body);
        assertThat(r.status()).as(body + " -> " + r.body()).isEqualTo(400);
        assertThat(r.json().get("error").get("param").asText()).as(r.body()).isEqualTo(param);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "USER, {\"role\": \"tool\", \"content\": \"r\"}                                       | messages[1].tool_call_id",
            "USER, CALL, {\"role\": \"tool\", \"tool_call_id\": \"zzzzzzzzz\", \"content\": \"r\"}  | messages[2].tool_call_id",
            "{\"role\": \"assistant\", \"content\": \"a\", \"prefix\": true}, USER                 | messages[0].prefix",
            "{\"role\": \"user\", \"content\": \"a\", \"prefix\": true}                            | messages[0].prefix",
            "USER, {\"role\": \"assistant\", \"content\": \"a\", \"prefix\": \"yes\"}               | messages[1].prefix",
    })
    void badConversationsAre400NamingTheMessage(String messages, String param) throws Exception {
        String body = "{\"model\": \"qwen-tools\", \"messages\": [" + messages.replace("USER", USER).replace("CALL", CALL) + "]}";
        TestServer.Reply r = server.post("/v1/chat/completions", body);
        assertThat(r.status()).as(body + " -> " + r.body()).isEqualTo(400);
        assertThat(r.json().get("error").get("param").asText()).as(r.body()).isEqualTo(param);
    }

    @Test
    void toolsForATemplateThatCannotShowThemAre400() throws Exception {
        TestServer.Reply r = server.post("/v1/chat/completions", "{\"model\": \"plain\", \"tools\": " + TOOLS + ", \"messages\": [" + USER + "]}");
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().get("error").get("param").asText()).isEqualTo("tools");
        assertThat(r.json().get("error").get("message").asText()).contains("plain", "does not render tools");
    }
}
