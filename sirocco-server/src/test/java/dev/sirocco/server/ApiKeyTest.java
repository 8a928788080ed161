package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A server started with a key answers 401 to every API call without it; {@code /health} stays open for probes. */
class ApiKeyTest {
    static final String KEY = "sk-test-0123456789";
    @TempDir
    static Path dir;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(dir, ServerOptions.loopback(0).withApiKey(KEY), 4);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void missingOrWrongKeyIs401() throws Exception {
        for (String[] headers : new String[][]{{}, {"Authorization", "Bearer wrong"}, {"Authorization", "Bearer " + KEY + "x"},
                {"Authorization", KEY}, {"Authorization", "Basic " + KEY}}) {
            for (String path : new String[]{"/v1/models", "/v1/models/tiny", "/metrics"}) {
                TestServer.Reply r = server.get(path, headers);
                JsonNode e = ErrorsTest.error(r, 401);
                assertThat(e.get("code").asText()).isEqualTo("invalid_api_key");
            }
            ErrorsTest.error(server.post("/v1/chat/completions", ChatCompletionsTest.request("tiny", "x"), headers), 401);
        }
    }

    @Test
    void theRightKeyIsAccepted() throws Exception {
        assertThat(server.get("/v1/models", "Authorization", "Bearer " + KEY).status()).isEqualTo(200);
        assertThat(server.get("/metrics", "Authorization", "bearer " + KEY).status()).isEqualTo(200);
        var body = ChatCompletionsTest.request("tiny", "x");
        body.put("max_tokens", 2);
        assertThat(server.post("/v1/chat/completions", body, "Authorization", "Bearer " + KEY).status()).isEqualTo(200);
    }

    @Test
    void healthNeedsNoKey() throws Exception {
        assertThat(server.get("/health").status()).isEqualTo(200);
    }
}
