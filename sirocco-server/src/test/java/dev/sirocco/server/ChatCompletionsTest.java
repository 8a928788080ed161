package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /v1/chat/completions} over HTTP: shapes, streaming, seeds, stops, limits, n. */
class ChatCompletionsTest {
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

    static ObjectNode request(String model, String user) {
        ObjectNode body = TestServer.JSON.createObjectNode();
        body.put("model", model);
        body.putArray("messages").addObject().put("role", "user").put("content", user);
        return body;
    }

    static JsonNode ok(TestServer.Reply r) throws Exception {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    @Test
    void logprobsFollowEveryTokenWholeAndStreamed() throws Exception {
        ObjectNode body = request("tiny", "hello there");
        body.put("max_tokens", 5).put("temperature", 0).put("logprobs", true).put("top_logprobs", 2);
        JsonNode whole = ok(server.post("/v1/chat/completions", body)).get("choices").get(0);
        JsonNode content = whole.get("logprobs").get("content");
        StringBuilder fromTokens = new StringBuilder();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (JsonNode t : content) {
            // greedy takes the most likely token: it heads its own alternatives
            assertThat(t.get("top_logprobs")).hasSize(2);
            assertThat(t.get("top_logprobs").get(0).get("token").asText()).isEqualTo(t.get("token").asText());
            assertThat(t.get("logprob").asDouble()).isEqualTo(t.get("top_logprobs").get(0).get("logprob").asDouble())
                    .isLessThanOrEqualTo(0.0);
            assertThat(t.get("top_logprobs").get(1).get("logprob").asDouble()).isLessThanOrEqualTo(t.get("logprob").asDouble());
            t.get("bytes").forEach(b -> bytes.write(b.asInt()));
        }
        assertThat(content.size()).isBetween(1, 5);
        // the tokens' bytes are the answer's text
        assertThat(bytes.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(whole.get("message").get("content").asText());

        body.put("stream", true);
        TestServer.Reply r = server.post("/v1/chat/completions", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<JsonNode> streamed = new java.util.ArrayList<>();
        for (JsonNode e : TestServer.events(r.body())) {
            JsonNode lp = e.get("choices").isEmpty() ? null : e.get("choices").get(0).get("logprobs");
            if (lp != null && !lp.isNull()) {
                lp.get("content").forEach(streamed::add);
            }
        }
        // The same tokens; log-probabilities equal up to float lanes: the second request resumes the first one's cached
        // prompt, so its last prompt token runs alone (vec_dot lanes) where the first ran it in a batch (F32 weights).
        assertThat(streamed).hasSameSizeAs(content);
        for (int i = 0; i < streamed.size(); i++) {
            assertThat(streamed.get(i).get("token")).isEqualTo(content.get(i).get("token"));
            assertThat(streamed.get(i).get("logprob").asDouble()).isCloseTo(content.get(i).get("logprob").asDouble(),
                    org.assertj.core.data.Offset.offset(1e-4));
        }
    }

    @Test
    void answerHasOpenAiShapeAndUsage() throws Exception {
        ObjectNode body = request("tiny", "hello there");
        body.put("max_tokens", 5).put("seed", 7);
        JsonNode r = ok(server.post("/v1/chat/completions", body));
        assertThat(r.get("id").asText()).startsWith("chatcmpl-");
        assertThat(r.get("object").asText()).isEqualTo("chat.completion");
        assertThat(r.get("created").asLong()).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(60L));
        assertThat(r.get("model").asText()).isEqualTo("tiny");
        JsonNode choice = r.get("choices").get(0);
        assertThat(choice.get("index").asInt()).isZero();
        assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
        assertThat(choice.get("message").get("content").isTextual()).isTrue();
        assertThat(choice.get("finish_reason").asText()).isIn("stop", "length");
        JsonNode usage = r.get("usage");
        assertThat(usage.get("completion_tokens").asInt()).isBetween(0, 5);
        if (choice.get("finish_reason").asText().equals("length")) {
            assertThat(usage.get("completion_tokens").asInt()).isEqualTo(5);
        }
        // the prompt is the chat template's rendering, tokenized as the CLI's --chat does
        ServedModel tiny = server.model("tiny");
        String rendered = tiny.renderChat(List.of(dev.sirocco.chat.ChatMessage.of("user", "hello there")));
        assertThat(usage.get("prompt_tokens").asInt()).isEqualTo(tiny.encodeChat(rendered).length);
        assertThat(usage.get("total_tokens").asInt())
                .isEqualTo(usage.get("prompt_tokens").asInt() + usage.get("completion_tokens").asInt());
    }

    @Test
    void streamingGivesTheSameTextAsAWholeAnswerForTheSameSeed() throws Exception {
        ObjectNode body = request("tiny", "tell me a story");
        body.put("max_tokens", 24).put("seed", 1234).put("temperature", 0.9);
        JsonNode whole = ok(server.post("/v1/chat/completions", body));

        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        TestServer.Reply streamed = server.post("/v1/chat/completions", body);
        assertThat(streamed.status()).isEqualTo(200);
        assertThat(streamed.raw().headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        List<JsonNode> events = TestServer.events(streamed.body());

        JsonNode first = events.getFirst();
        assertThat(first.get("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(first.get("id").asText()).startsWith("chatcmpl-");
        assertThat(first.get("choices").get(0).get("delta").get("role").asText()).isEqualTo("assistant");
        StringBuilder text = new StringBuilder();
        String finish = null;
        for (JsonNode e : events.subList(0, events.size() - 1)) {
            assertThat(e.get("id").asText()).isEqualTo(first.get("id").asText());
            JsonNode c = e.get("choices").get(0);
            if (c.get("delta").has("content")) {
                text.append(c.get("delta").get("content").asText());
            }
            if (!c.get("finish_reason").isNull()) {
                assertThat(finish).as("one finish_reason per choice").isNull();
                finish = c.get("finish_reason").asText();
            }
        }
        assertThat(text.toString()).isEqualTo(whole.get("choices").get(0).get("message").get("content").asText());
        assertThat(finish).isEqualTo(whole.get("choices").get(0).get("finish_reason").asText());
        JsonNode last = events.getLast(); // include_usage: a final chunk with usage and no choices
        assertThat(last.get("choices")).isEmpty();
        assertThat(last.get("usage")).isEqualTo(whole.get("usage"));
    }

    @Test
    void streamingWorksForClientsThatAcceptOnlyJson() throws Exception {
        // The npm openai SDK sends Accept: application/json even when streaming (Helidon's SseSink answers those 406).
        ObjectNode body = request("tiny", "hi");
        body.put("max_tokens", 3).put("stream", true);
        TestServer.Reply r = server.post("/v1/chat/completions", body, "Accept", "application/json");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw().headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        assertThat(TestServer.events(r.body())).isNotEmpty();
    }

    @Test
    void withoutIncludeUsageNoUsageChunkIsSent() throws Exception {
        ObjectNode body = request("tiny", "hi");
        body.put("max_tokens", 3).put("stream", true);
        List<JsonNode> events = TestServer.events(server.post("/v1/chat/completions", body).body());
        assertThat(events).allSatisfy(e -> assertThat(e.get("choices")).isNotEmpty());
    }

    @Test
    void aSeedReproducesAndSeedsDiffer() throws Exception {
        Set<String> texts = new HashSet<>();
        for (int seed = 1; seed <= 4; seed++) {
            ObjectNode body = request("tiny", "once upon a time");
            body.put("max_tokens", 16).put("temperature", 1.0).put("seed", seed);
            String a = ok(server.post("/v1/chat/completions", body)).get("choices").get(0).get("message").get("content").asText();
            body.remove("seed");
            body.put("random_seed", seed); // Mistral's name for the same field
            String b = ok(server.post("/v1/chat/completions", body)).get("choices").get(0).get("message").get("content").asText();
            assertThat(b).isEqualTo(a);
            texts.add(a);
        }
        assertThat(texts).as("four seeds at temperature 1 over a random model").hasSizeGreaterThan(1);
    }

    @Test
    void textChunkContentRendersLikeAString() throws Exception {
        ObjectNode plain = request("tiny", "hello world");
        plain.put("max_tokens", 6).put("temperature", 0);
        ObjectNode chunks = request("tiny", "ignored");
        chunks.put("max_tokens", 6).put("temperature", 0);
        var content = ((ObjectNode) chunks.get("messages").get(0)).putArray("content");
        content.addObject().put("type", "text").put("text", "hello ");
        content.addObject().put("type", "text").put("text", "world");
        JsonNode a = ok(server.post("/v1/chat/completions", plain));
        JsonNode b = ok(server.post("/v1/chat/completions", chunks));
        assertThat(b.get("choices")).isEqualTo(a.get("choices"));
        assertThat(b.get("usage")).isEqualTo(a.get("usage"));
    }

    @Test
    void stopStringCutsTheAnswerBeforeIt() throws Exception {
        ObjectNode body = request("tiny", "count with me");
        body.put("max_tokens", 40).put("temperature", 0);
        String full = ok(server.post("/v1/chat/completions", body)).get("choices").get(0).get("message").get("content").asText();
        assertThat(full.length()).as("greedy text long enough to cut: " + full).isGreaterThan(8);
        String stop = full.substring(5, 8);
        int cut = full.indexOf(stop);
        body.putArray("stop").add(stop).add("\u0000never");
        JsonNode r = ok(server.post("/v1/chat/completions", body));
        assertThat(r.get("choices").get(0).get("message").get("content").asText()).isEqualTo(full.substring(0, cut));
        assertThat(r.get("choices").get(0).get("finish_reason").asText()).isEqualTo("stop");

        body.put("stop", stop); // a single string works too
        assertThat(ok(server.post("/v1/chat/completions", body)).get("choices").get(0).get("message").get("content").asText())
                .isEqualTo(full.substring(0, cut));
    }

    @Test
    void maxTokensEndsWithLengthAndMaxCompletionTokensIsTheSame() throws Exception {
        ObjectNode body = request("tiny", "go on");
        body.put("temperature", 0).put("max_tokens", 4);
        JsonNode a = ok(server.post("/v1/chat/completions", body));
        body.remove("max_tokens");
        body.put("max_completion_tokens", 4);
        JsonNode b = ok(server.post("/v1/chat/completions", body));
        assertThat(b.get("choices")).isEqualTo(a.get("choices"));
        // greedy on this random model does not meet an end-of-generation token within 4 tokens
        assertThat(a.get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
        assertThat(a.get("usage").get("completion_tokens").asInt()).isEqualTo(4);
    }

    @Test
    void aFullContextEndsWithModelLength() throws Exception {
        // "small" has a 32-token context and no max_tokens is given: generation runs until the context is full.
        ObjectNode body = request("small", "hi");
        body.put("temperature", 0);
        JsonNode r = ok(server.post("/v1/chat/completions", body));
        // greedy on this random model meets no end-of-generation token before the context is full
        assertThat(r.get("choices").get(0).get("finish_reason").asText()).isEqualTo("model_length");
        assertThat(r.get("usage").get("total_tokens").asInt()).isEqualTo(32 + 1); // the last token is never evaluated
    }

    @Test
    void aPromptLongerThanTheContextIs400() throws Exception {
        TestServer.Reply r = server.post("/v1/chat/completions", request("small", "word ".repeat(100)));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").get("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(r.json().get("error").get("param").asText()).isEqualTo("messages");
    }

    @Test
    void nChoicesAreIndexedAndReproducible() throws Exception {
        ObjectNode body = request("tiny", "pick a word");
        body.put("max_tokens", 8).put("n", 3).put("seed", 99);
        JsonNode a = ok(server.post("/v1/chat/completions", body));
        assertThat(a.get("choices")).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(a.get("choices").get(i).get("index").asInt()).isEqualTo(i);
        }
        JsonNode b = ok(server.post("/v1/chat/completions", body));
        assertThat(b.get("choices")).isEqualTo(a.get("choices"));
        int sum = 0;
        for (JsonNode c : a.get("choices")) {
            sum += c.get("finish_reason").asText().equals("length") ? 8 : 0;
        }
        assertThat(a.get("usage").get("completion_tokens").asInt()).isGreaterThanOrEqualTo(sum);

        // streamed n > 1: each choice's deltas add up to its whole text
        body.put("stream", true);
        List<JsonNode> events = TestServer.events(server.post("/v1/chat/completions", body).body());
        StringBuilder[] texts = {new StringBuilder(), new StringBuilder(), new StringBuilder()};
        for (JsonNode e : events) {
            JsonNode c = e.get("choices").get(0);
            if (c.get("delta").has("content")) {
                texts[c.get("index").asInt()].append(c.get("delta").get("content").asText());
            }
        }
        for (int i = 0; i < 3; i++) {
            assertThat(texts[i].toString()).isEqualTo(a.get("choices").get(i).get("message").get("content").asText());
        }
    }

    @Test
    void penaltiesAreAcceptedAndChangeNothingAtZero() throws Exception {
        ObjectNode body = request("tiny", "repeat after me");
        body.put("max_tokens", 12).put("temperature", 0);
        JsonNode plain = ok(server.post("/v1/chat/completions", body));
        body.put("presence_penalty", 0).put("frequency_penalty", 0.0);
        assertThat(ok(server.post("/v1/chat/completions", body)).get("choices")).isEqualTo(plain.get("choices"));
        body.put("presence_penalty", 1.5).put("frequency_penalty", 1.5);
        assertThat(server.post("/v1/chat/completions", body).status()).isEqualTo(200);
    }
}
