package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.runtime.EngineOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /v1/embeddings}: the engine's embeddings, as floats or base64, in input order; clear 400s. */
class EmbeddingsTest {
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

    static JsonNode post(String body, int status) throws Exception {
        TestServer.Reply r = server.post("/v1/embeddings", body);
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        return r.json();
    }

    @Test
    void embeddingsAreTheEnginesInInputOrderAsFloatsOrBase64() throws Exception {
        JsonNode r = post("{\"model\": \"tiny\", \"input\": [\"hello there\", \"general kenobi\"]}", 200);
        assertThat(r.get("object").asText()).isEqualTo("list");
        assertThat(r.get("model").asText()).isEqualTo("tiny");
        assertThat(r.get("data")).hasSize(2);

        ServedModel tiny = server.model("tiny");
        int[] hello = tiny.encodePrompt("hello there");
        int[] kenobi = tiny.encodePrompt("general kenobi");
        assertThat(r.get("usage").get("prompt_tokens").asInt()).isEqualTo(hello.length + kenobi.length);
        // the same file loaded on its own (the server's engine belongs to its scheduler thread)
        float[] expected;
        try (Engine own = Engine.load(dir.resolve("tiny.gguf"), EngineOptions.defaults().withThreads(1).withContextSize(256))) {
            expected = own.newSession().embed(hello, own.pooling());
        }
        JsonNode first = r.get("data").get(0);
        assertThat(first.get("index").asInt()).isZero();
        assertThat(first.get("object").asText()).isEqualTo("embedding");
        assertThat(first.get("embedding")).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(first.get("embedding").get(i).floatValue()).isEqualTo(expected[i]);
        }
        assertThat(r.get("data").get(1).get("index").asInt()).isEqualTo(1);

        // token ids give the text's embedding; base64 is the same floats, little-endian
        StringBuilder ids = new StringBuilder();
        for (int t : hello) {
            ids.append(ids.isEmpty() ? "" : ",").append(t);
        }
        JsonNode b64 = post("{\"model\": \"tiny\", \"input\": [" + ids + "], \"encoding_format\": \"base64\"}", 200);
        ByteBuffer buf = ByteBuffer.wrap(Base64.getDecoder().decode(b64.get("data").get(0).get("embedding").asText()))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (float v : expected) {
            assertThat(buf.getFloat()).isEqualTo(v);
        }
        assertThat(buf.hasRemaining()).isFalse();
    }

    @Test
    void badInputsAre400NamingTheField() throws Exception {
        assertThat(post("{\"model\": \"tiny\"}", 400).get("error").get("param").asText()).isEqualTo("input");
        assertThat(post("{\"model\": \"tiny\", \"input\": \"x\", \"encoding_format\": \"hex\"}", 400)
                .get("error").get("param").asText()).isEqualTo("encoding_format");
        assertThat(post("{\"model\": \"tiny\", \"input\": \"x\", \"dimensions\": 3}", 400)
                .get("error").get("param").asText()).isEqualTo("dimensions");
        assertThat(post("{\"model\": \"tiny\", \"input\": [\"x\", 5]}", 400).get("error").get("param").asText()).isEqualTo("input[1]");
        assertThat(post("{\"model\": \"tiny\", \"input\": [1, 99999999]}", 400).get("error").get("param").asText()).isEqualTo("input[1]");
        assertThat(post("{\"model\": \"small\", \"input\": \"" + "word ".repeat(100) + "\"}", 400)
                .get("error").get("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(post("{\"model\": \"nope\", \"input\": \"x\"}", 404).get("error").get("code").asText()).isEqualTo("model_not_found");
    }
}
