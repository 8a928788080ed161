package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every failure answers {@code {"error": {"message", "type", "param", "code"}}} with the right status. */
class ErrorsTest {
    static final long MAX_BODY = 64 * 1024;
    @TempDir
    static Path dir;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(dir, ServerOptions.loopback(0).withMaxBodyBytes(MAX_BODY), 1);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonNode error(TestServer.Reply r, int status) throws Exception {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.raw().headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode e = r.json().get("error");
        assertThat(e).as(r.body()).isNotNull();
        assertThat(e.get("message").isTextual()).isTrue();
        assertThat(e.get("type").isTextual()).isTrue();
        assertThat(e.has("param")).isTrue();
        assertThat(e.has("code")).isTrue();
        return e;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"model\": \"tiny\"}                                                         | messages",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}                    | model",
            "{\"model\": 3, \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}      | model",
            "{\"model\": \"tiny\", \"messages\": []}                                       | messages",
            "{\"model\": \"tiny\", \"messages\": [{\"content\": \"x\"}]}                   | messages[0].role",
            "{\"model\": \"tiny\", \"messages\": [{\"role\": \"robot\", \"content\": \"x\"}]} | messages[0].role",
            "{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": 5}]}    | messages[0].content",
            "{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image_url\", \"image_url\": \"u\"}]}]} | messages[0].content[0].type",
            "{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"temperature\": \"hot\"} | temperature",
            "{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"temperature\": 3}     | temperature",
            "{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"top_p\": 1.5}         | top_p",
            "{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"max_tokens\": 0}      | max_tokens",
            "{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"max_tokens\": 2.5}    | max_tokens",
            "{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"n\": 0}              | n",
            "{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"stop\": [\"a\", 1]}   | stop[1]",
            "{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"seed\": 1, \"random_seed\": 2} | random_seed",
            "{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"stream_options\": {\"include_usage\": \"yes\"}} | stream_options.include_usage",
            "{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"frobnicate\": true}  | frobnicate",
            "{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"top_logprobs\": 3}  | top_logprobs",
            "{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"logprobs\": true, \"top_logprobs\": 21}  | top_logprobs",
            "{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"response_format\": {\"type\": \"yaml\"}} | response_format.type",
            "{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"response_format\": {\"type\": \"json_schema\"}} | response_format.json_schema",
            "{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"n\", \"schema\": {\"properties\": {\"x\": {\"type\": \"strin\"}}}}}} | response_format.json_schema.schema.properties.x.type",
            "{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"n\", \"schema\": {\"type\": \"integer\", \"minimum\": 5, \"maximum\": 1}}}} | response_format.json_schema.schema.minimum",
    })
    void badFieldsAre400NamingTheField(String body, String param) throws Exception {
        JsonNode e = error(server.post("/v1/chat/completions", body), 400);
        assertThat(e.get("param").asText()).isEqualTo(param);
        assertThat(e.get("type").asText()).isEqualTo("invalid_request_error");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "\"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"n\", \"schema\": {\"properties\": {\"x\": {\"type\": \"string\", \"pattern\": \"a+\"}}}}} | response_format.json_schema.schema.properties.x.pattern",
            "\"logit_bias\": {\"5\": 10}                                               | logit_bias",
    })
    void unimplementedParametersAre400NotIgnored(String field, String param) throws Exception {
        String body = "{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], " + field + "}";
        JsonNode e = error(server.post("/v1/chat/completions", body), 400);
        assertThat(e.get("param").asText()).isEqualTo(param);
        assertThat(e.get("code").asText()).isEqualTo("unsupported_parameter");
    }

    @Test
    void neutralValuesOfUnimplementedParametersAreAccepted() throws Exception {
        String body = "{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"max_tokens\": 2, "
                + "\"tools\": [], \"tool_choice\": \"none\", \"response_format\": {\"type\": \"text\"}, \"logprobs\": false, "
                + "\"safe_prompt\": false, \"user\": \"someone\"}";
        assertThat(server.post("/v1/chat/completions", body).status()).isEqualTo(200);
    }

    @Test
    void anAnswerEchoedBackAsHistoryIsAccepted() throws Exception {
        // Clients often append the response message as is: OpenAI's own fields arrive null or empty.
        String body = "{\"model\": \"tiny\", \"max_tokens\": 2, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, "
                + "{\"role\": \"assistant\", \"content\": \"hello\", \"refusal\": null, \"audio\": null, \"function_call\": null, "
                + "\"tool_calls\": null, \"annotations\": []}, {\"role\": \"user\", \"content\": \"and?\"}]}";
        TestServer.Reply r = server.post("/v1/chat/completions", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        // a non-null value of a field this server does not know is still refused
        JsonNode e = error(server.post("/v1/chat/completions", body.replace("\"refusal\": null", "\"refusal\": \"no\"")), 400);
        assertThat(e.get("param").asText()).isEqualTo("messages[1].refusal");
    }

    @Test
    void malformedJsonIs400() throws Exception {
        JsonNode e = error(server.post("/v1/chat/completions", "{\"model\": \"tiny\", "), 400);
        assertThat(e.get("code").asText()).isEqualTo("invalid_json");
        error(server.post("/v1/chat/completions", "[1, 2]"), 400);
        error(server.post("/v1/chat/completions", ""), 400);
        error(server.post("/v1/chat/completions", "{\"model\": \"tiny\", \"model\": \"small\"}"), 400);
    }

    @Test
    void unknownModelIs404() throws Exception {
        JsonNode e = error(server.post("/v1/chat/completions", ChatCompletionsTest.request("gpt-4o", "x")), 404);
        assertThat(e.get("code").asText()).isEqualTo("model_not_found");
        assertThat(e.get("param").asText()).isEqualTo("model");
        assertThat(e.get("message").asText()).contains("gpt-4o");
    }

    @Test
    void oversizedBodyIs413WithOrWithoutContentLength() throws Exception {
        ObjectNode big = ChatCompletionsTest.request("tiny", "x".repeat((int) MAX_BODY));
        // Several times: the server once answered and closed while the client was still sending, and the client,
        // reset, sometimes lost the answer. It now reads the refused body to its end first.
        for (int i = 0; i < 5; i++) {
            JsonNode e = error(server.post("/v1/chat/completions", big), 413);
            assertThat(e.get("code").asText()).isEqualTo("request_too_large");
        }

        // chunked transfer: no Content-Length for the server to look at first
        byte[] bytes = TestServer.JSON.writeValueAsBytes(big);
        HttpRequest chunked = HttpRequest.newBuilder(URI.create(server.base + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)))
                .build();
        error(server.send(chunked), 413);

        // just under the limit is read normally (and answered 400 for its content here, not 413)
        String under = "{\"model\": \"tiny\", \"messages\": [], \"pad\": \"" + "y".repeat((int) MAX_BODY - 100) + "\"}";
        assertThat(under.getBytes(StandardCharsets.UTF_8).length).isLessThan((int) MAX_BODY);
        error(server.post("/v1/chat/completions", under), 400);
    }

    @Test
    void aFullQueueIs429WithRetryAfterAndTheServerRecovers() throws Exception {
        ServedModel tiny = server.model("tiny");
        dev.sirocco.engine.runtime.Scheduler scheduler = tiny.scheduler();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        int[] prompt = tiny.encodePrompt("occupy");
        var forever = new dev.sirocco.engine.runtime.GenerationRequest(100_000,
                dev.sirocco.engine.runtime.sampling.SamplingParams.greedy(), java.util.List.of(), true);
        // Occupy the model's one slot (its listener holds the scheduler at the first token), then fill its queue of 1,
        // so the next request cannot wait anywhere.
        var occupying = scheduler.submit(prompt, forever, (id, text) -> {
            running.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        var waiting = scheduler.submit(prompt, forever, dev.sirocco.engine.runtime.TokenListener.NONE);
        try {
            TestServer.Reply r = server.post("/v1/chat/completions", ChatCompletionsTest.request("tiny", "x"));
            JsonNode e = error(r, 429);
            assertThat(e.get("code").asText()).isEqualTo("queue_full");
            assertThat(r.raw().headers().firstValue("retry-after")).hasValue("1");
        } finally {
            occupying.cancel();
            waiting.cancel();
            release.countDown();
        }
        // The scheduler drops cancelled sequences at its next step: wait for that, not for a guessed time.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((scheduler.queueDepth() > 0 || scheduler.activeSequences() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        ObjectNode body = ChatCompletionsTest.request("tiny", "x");
        body.put("max_tokens", 2);
        assertThat(server.post("/v1/chat/completions", body).status()).isEqualTo(200);
    }

    @Test
    void aFailedRequestLeavesTheServerServing() throws Exception {
        error(server.post("/v1/chat/completions", ChatCompletionsTest.request("small", "word ".repeat(100))), 400);
        ObjectNode body = ChatCompletionsTest.request("small", "x");
        body.put("max_tokens", 2);
        assertThat(server.post("/v1/chat/completions", body).status()).isEqualTo(200);
    }

    @Test
    void nonLoopbackHostWithoutKeyIsRefused() {
        assertThatThrownBy(() -> new ServerOptions("0.0.0.0", 0, null, 1024))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--api-key");
        assertThat(new ServerOptions("0.0.0.0", 0, "k", 1024).apiKey()).isEqualTo("k");
        assertThat(ServerOptions.isLoopback("localhost")).isTrue();
        assertThat(ServerOptions.isLoopback("::1")).isTrue();
        assertThat(ServerOptions.isLoopback("0.0.0.0")).isFalse();
    }
}
