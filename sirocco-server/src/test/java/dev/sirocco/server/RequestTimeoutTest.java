package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A generation that runs past {@code --request-timeout} is stopped: a whole-body request gets a 504, a stream ends
 * with an error event, and the model's slot is free again. The limit here (300 ms) is far below the time 4000 tokens
 * take, so the outcome does not depend on the machine's speed.
 */
class RequestTimeoutTest {
    @TempDir
    static Path dir;
    static ServedModel model;
    static TestServer client;

    @BeforeAll
    static void start() throws Exception {
        Path file = RandomModels.write(ModelSpec.tinyLlama(), dir.resolve("long.gguf"));
        model = ServedModel.load(file, EngineOptions.defaults().withThreads(1).withContextSize(4096), 4);
        client = TestServer.of(List.of(model), ServerOptions.loopback(0).withRequestTimeout(Duration.ofMillis(300)));
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    static ObjectNode longRequest(boolean stream) {
        ObjectNode body = ChatCompletionsTest.request("long", "go");
        body.put("max_tokens", 4000).put("temperature", 0).put("stream", stream);
        return body;
    }

    @Test
    void aWholeRequestPastTheLimitGets504AndFreesTheModel() throws Exception {
        JsonNode e = ErrorsTest.error(client.post("/v1/chat/completions", longRequest(false)), 504);
        assertThat(e.get("code").asText()).isEqualTo("request_timeout");
        assertThat(e.get("message").asText()).contains("--request-timeout");
        awaitIdle();
        assertThat(model.scheduler().activeSequences()).as("the timed-out generation stopped").isZero();
        ObjectNode quick = ChatCompletionsTest.request("long", "hi");
        quick.put("max_tokens", 1);
        assertThat(client.post("/v1/chat/completions", quick).status()).isEqualTo(200);
    }

    @Test
    void aStreamPastTheLimitEndsWithAnErrorEvent() throws Exception {
        TestServer.Reply r = client.post("/v1/chat/completions", longRequest(true));
        assertThat(r.status()).isEqualTo(200);
        String[] blocks = r.body().split("\n\n");
        String last = blocks[blocks.length - 1];
        assertThat(last).startsWith("data: ");
        JsonNode error = TestServer.JSON.readTree(last.substring("data: ".length())).get("error");
        assertThat(error).as(last).isNotNull();
        assertThat(error.get("code").asText()).isEqualTo("request_timeout");
        assertThat(r.body()).doesNotContain("[DONE]");
        awaitIdle();
        assertThat(model.scheduler().activeSequences()).isZero();
    }

    private static void awaitIdle() throws InterruptedException {
        // the scheduler drops a cancelled sequence at its next step
        for (int i = 0; i < 1000 && (model.scheduler().activeSequences() > 0 || model.scheduler().queueDepth() > 0); i++) {
            Thread.sleep(10);
        }
    }
}
