package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.engine.runtime.GenerationRequest;
import dev.sirocco.engine.runtime.GenerationResult;
import dev.sirocco.engine.runtime.Generator;
import dev.sirocco.engine.runtime.TokenListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Legacy {@code POST /v1/completions}: a prompt continued as plain text. */
class CompletionsTest {
    @TempDir
    static Path dir;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(dir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static ObjectNode request(Object prompt) {
        ObjectNode body = TestServer.JSON.createObjectNode();
        body.put("model", "tiny");
        body.set("prompt", TestServer.JSON.valueToTree(prompt));
        return body;
    }

    @Test
    void greedyTextIsWhatTheEngineGeneratesForThePrompt() throws Exception {
        ObjectNode body = request("the people");
        body.put("max_tokens", 10).put("temperature", 0);
        TestServer.Reply r = server.post("/v1/completions", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode json = r.json();
        assertThat(json.get("id").asText()).startsWith("cmpl-");
        assertThat(json.get("object").asText()).isEqualTo("text_completion");
        assertThat(json.get("model").asText()).isEqualTo("tiny");
        JsonNode choice = json.get("choices").get(0);

        // The same generation straight through the engine, outside the server (the scheduler is idle between tests).
        ServedModel tiny = server.model("tiny");
        int[] prompt = tiny.engine().tokenizer().encode("the people", true, true);
        GenerationResult direct = Generator.generate(tiny.engine().newSession(), tiny.engine().tokenizer(), prompt,
                GenerationRequest.greedy(10), TokenListener.NONE);
        assertThat(choice.get("text").asText()).isEqualTo(direct.text());
        assertThat(choice.get("finish_reason").asText()).isEqualTo(CompletionEndpoints.finishReason(direct.finishReason()));
        assertThat(json.get("usage").get("prompt_tokens").asInt()).isEqualTo(prompt.length);
        assertThat(json.get("usage").get("completion_tokens").asInt()).isEqualTo(direct.tokens().length);
    }

    @Test
    void streamingEqualsWholeAndSeveralPromptsGetOrderedChoices() throws Exception {
        ObjectNode body = request(List.of("alpha", "beta"));
        body.put("max_tokens", 6).put("seed", 5).put("n", 2);
        TestServer.Reply whole = server.post("/v1/completions", body);
        assertThat(whole.status()).as(whole.body()).isEqualTo(200);
        JsonNode choices = whole.json().get("choices");
        assertThat(choices).hasSize(4);

        body.put("stream", true);
        List<JsonNode> events = TestServer.events(server.post("/v1/completions", body).body());
        StringBuilder[] texts = new StringBuilder[4];
        for (int i = 0; i < 4; i++) {
            texts[i] = new StringBuilder();
        }
        for (JsonNode e : events) {
            assertThat(e.get("object").asText()).isEqualTo("text_completion");
            JsonNode c = e.get("choices").get(0);
            texts[c.get("index").asInt()].append(c.get("text").asText());
        }
        for (int i = 0; i < 4; i++) {
            assertThat(choices.get(i).get("index").asInt()).isEqualTo(i);
            assertThat(texts[i].toString()).isEqualTo(choices.get(i).get("text").asText());
        }
        // choices 0-1 continue "alpha" and 2-3 "beta": the prompt is counted once per prompt
        ServedModel tiny = server.model("tiny");
        int promptTokens = tiny.encodePrompt("alpha").length + tiny.encodePrompt("beta").length;
        assertThat(whole.json().get("usage").get("prompt_tokens").asInt()).isEqualTo(promptTokens);
    }

    @Test
    void unimplementedFieldsAre400() throws Exception {
        for (String[] field : new String[][]{{"suffix", "\"x\""}, {"echo", "true"}, {"logprobs", "2"}, {"best_of", "2"}}) {
            String body = "{\"model\": \"tiny\", \"prompt\": \"x\", \"" + field[0] + "\": " + field[1] + "}";
            JsonNode e = ErrorsTest.error(server.post("/v1/completions", body), 400);
            assertThat(e.get("param").asText()).isEqualTo(field[0]);
        }
        JsonNode e = ErrorsTest.error(server.post("/v1/completions", "{\"model\": \"tiny\", \"prompt\": [1, 2]}"), 400);
        assertThat(e.get("param").asText()).isEqualTo("prompt[0]");
        e = ErrorsTest.error(server.post("/v1/completions", "{\"model\": \"tiny\"}"), 400);
        assertThat(e.get("param").asText()).isEqualTo("prompt");
    }
}
