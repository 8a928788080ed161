package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tool_choice} {@code required}/{@code any}/named is enforced token by token: a random-weight model, which never
 * calls a tool by itself, answers with a call in its family's syntax whose name and arguments fit the tools' schemas.
 */
class ToolChoiceEnforcedTest {
    @TempDir
    static Path dir;
    static TestServer server;

    static final String TOOLS = "[{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"parameters\": {\"type\": \"object\","
            + " \"properties\": {\"city\": {\"type\": \"string\", \"maxLength\": 12}}, \"required\": [\"city\"], \"additionalProperties\": false}}},"
            + " {\"type\": \"function\", \"function\": {\"name\": \"add\", \"parameters\": {\"type\": \"object\", \"properties\":"
            + " {\"a\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 100}, \"b\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 100}},"
            + " \"required\": [\"a\", \"b\"], \"additionalProperties\": false}}}]";

    @BeforeAll
    static void start() throws Exception {
        server = ToolCallingTest.startToolServer(dir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonNode ask(String model, String toolChoice, int seed) throws Exception {
        String body = "{\"model\": \"" + model + "\", \"max_tokens\": 80, \"temperature\": 1, \"seed\": " + seed
                + ", \"tools\": " + TOOLS + ", \"tool_choice\": " + toolChoice
                + ", \"messages\": [{\"role\": \"user\", \"content\": \"Do something useful.\"}]}";
        TestServer.Reply r = server.post("/v1/chat/completions", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("choices").get(0);
    }

    /** The call's arguments hold what the chosen tool's schema demands (checked here by hand, not by the constraint). */
    private static void assertValidCall(JsonNode call, List<String> allowed) throws Exception {
        assertThat(call.get("id").asText()).matches("[A-Za-z0-9]{9}");
        assertThat(call.get("type").asText()).isEqualTo("function");
        String name = call.get("function").get("name").asText();
        assertThat(name).isIn(allowed);
        JsonNode args = TestServer.JSON.readTree(call.get("function").get("arguments").asText());
        if (name.equals("get_weather")) {
            assertThat(args.properties()).extracting(java.util.Map.Entry::getKey).containsExactly("city");
            assertThat(args.get("city").isTextual()).isTrue();
            assertThat(args.get("city").asText().codePointCount(0, args.get("city").asText().length())).isLessThanOrEqualTo(12);
        } else {
            assertThat(args.properties()).extracting(java.util.Map.Entry::getKey).containsExactlyInAnyOrder("a", "b");
            for (String k : List.of("a", "b")) {
                assertThat(args.get(k).isIntegralNumber()).as(k).isTrue();
                assertThat(args.get(k).asInt()).as(k).isBetween(0, 100);
            }
        }
    }

    @ParameterizedTest(name = "{0} with tool_choice {1}, seed {2}")
    @CsvSource(delimiter = '|', value = {
            "qwen-tools    | \"required\" | 1",
            "qwen-tools    | \"any\"      | 2",
            "qwen-tools    | \"required\" | 3",
            "mistral-tools | \"any\"      | 4",
            "mistral-tools | \"required\" | 5",
    })
    void aRequiredCallIsAlwaysAValidCallOfOneOfTheTools(String model, String choice, int seed) throws Exception {
        JsonNode c = ask(model, choice, seed);
        assertThat(c.get("finish_reason").asText()).as(c.toString()).isEqualTo("tool_calls");
        JsonNode calls = c.get("message").get("tool_calls");
        assertThat(calls).as(c.toString()).isNotNull();
        assertThat(calls.size()).isGreaterThanOrEqualTo(1);
        for (JsonNode call : calls) {
            assertValidCall(call, List.of("get_weather", "add"));
        }
    }

    @Test
    void aNamedFunctionIsTheOneCalled() throws Exception {
        for (int seed = 10; seed < 13; seed++) {
            JsonNode c = ask("qwen-tools", "{\"type\": \"function\", \"function\": {\"name\": \"add\"}}", seed);
            JsonNode calls = c.get("message").get("tool_calls");
            assertThat(calls).as(c.toString()).hasSize(1);
            assertValidCall(calls.get(0), List.of("add"));
        }
    }

    @Test
    void aRequiredCallWithAJsonResponseFormatIsA400() throws Exception {
        String body = "{\"model\": \"qwen-tools\", \"max_tokens\": 8, \"tools\": " + TOOLS + ", \"tool_choice\": \"required\","
                + " \"response_format\": {\"type\": \"json_object\"}, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";
        TestServer.Reply r = server.post("/v1/chat/completions", body);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").get("param").asText()).isEqualTo("tool_choice");
    }
}
