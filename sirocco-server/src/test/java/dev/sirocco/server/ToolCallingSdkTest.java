package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tool calling through both official npm SDKs ({@code openai}, {@code @mistralai/mistralai}, whose schemas validate
 * every answer): a tool result round trip, a call written in an assistant prefix read back whole and streamed,
 * {@code safe_prompt} and a 400. Skipped, saying so, when the packages or node are missing.
 */
class ToolCallingSdkTest {
    @TempDir
    Path dir;

    private static JsonNode run(String script, String... args) throws Exception {
        String[] command = new String[args.length + 2];
        command[0] = "node";
        command[1] = Path.of("src", "test", "js", script).toString();
        System.arraycopy(args, 0, command, 2, args.length);
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(stdout).isZero();
        return TestServer.JSON.readTree(stdout);
    }

    @Test
    void bothOfficialClientsAcceptToolCallsWholeAndStreamed() throws Exception {
        Path modules = OpenAiSdkTest.modules();
        assumeTrue(Files.isDirectory(modules.resolve("openai")) && Files.isDirectory(modules.resolve("@mistralai").resolve("mistralai")),
                "npm packages 'openai' and '@mistralai/mistralai' are not installed in " + modules.toAbsolutePath());
        assumeTrue(OpenAiSdkTest.onPath("node"), "node is not on the PATH");
        try (TestServer server = ToolCallingTest.startToolServer(dir)) {
            JsonNode openai = run("openai-tools.mjs", modules.toAbsolutePath().toString(), server.base + "/v1", "mistral-tools");
            JsonNode mistral = run("mistral-tools.mjs", modules.toAbsolutePath().toString(), server.base, "mistral-tools");

            // the same conversation in both dialects renders the same prompt
            assertThat(openai.get("roundTrip").get("role").asText()).isEqualTo("assistant");
            assertThat(mistral.get("roundTrip").get("promptTokens").asInt()).isEqualTo(openai.get("roundTrip").get("promptTokens").asInt());

            JsonNode call = openai.get("whole").get("message").get("tool_calls").get(0);
            assertThat(call.get("id").asText()).matches("[A-Za-z0-9]{9}");
            assertThat(call.get("type").asText()).isEqualTo("function");
            assertThat(call.get("function").get("name").asText()).isEqualTo("get_weather");
            assertThat(call.get("function").get("arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
            JsonNode streamedCall = openai.get("streamed").get("message").get("tool_calls").get(0);
            assertThat(streamedCall.get("function")).isEqualTo(call.get("function"));
            assertThat(streamedCall.get("id").asText()).matches("[A-Za-z0-9]{9}");
            assertThat(openai.get("streamed").get("toolDeltas").asInt()).isEqualTo(1);
            assertThat(openai.get("streamed").get("finish")).isEqualTo(openai.get("whole").get("finish"));

            JsonNode mistralCall = mistral.get("whole").get("message").get("toolCalls").get(0);
            assertThat(mistralCall.get("function")).isEqualTo(call.get("function"));
            assertThat(mistral.get("streamed").get("toolCalls")).hasSize(1);
            assertThat(mistral.get("streamed").get("toolCalls").get(0).get("function")).isEqualTo(call.get("function"));
            JsonNode wholeContent = mistral.get("whole").get("message").get("content");
            assertThat(mistral.get("streamed").get("content").asText()).isEqualTo(wholeContent.isNull() ? "" : wholeContent.asText());
            assertThat(mistral.get("streamed").get("finish")).isEqualTo(mistral.get("whole").get("finish"));

            assertThat(mistral.get("safe").get("on").asInt()).isGreaterThan(mistral.get("safe").get("off").asInt() + 20);

            assertThat(openai.get("badChoice").get("status").asInt()).isEqualTo(400);
            assertThat(openai.get("badChoice").get("param").asText()).isEqualTo("tool_choice.function.name");
            assertThat(mistral.get("noCallId").get("status").asInt()).isEqualTo(400);
            assertThat(mistral.get("noCallId").get("body").asText()).contains("messages[1].tool_call_id");
        }
    }
}
