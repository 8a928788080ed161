package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Many clients at once, batched together by the model's scheduler: all complete, each with the answer it gets alone. */
class ConcurrentClientsTest {
    @TempDir
    Path dir;

    @Test
    void sixteenStreamingClientsAtOnceAllGetTheirOwnAnswers() throws Exception {
        try (TestServer server = TestServer.startBatched(dir, 4, 16)) {
            int clients = 16;
            List<String> alone = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                alone.add(ok(server.post("/v1/chat/completions", body(i, false))).get("choices").get(0).get("message").get("content").asText());
            }
            List<Future<String>> results = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < clients; i++) {
                    int c = i;
                    results.add(pool.submit(() -> {
                        TestServer.Reply r = server.post("/v1/chat/completions", body(c, true));
                        assertThat(r.status()).as(r.body()).isEqualTo(200);
                        StringBuilder text = new StringBuilder();
                        for (JsonNode e : TestServer.events(r.body())) {
                            JsonNode delta = e.get("choices").get(0).get("delta");
                            if (delta.has("content")) {
                                text.append(delta.get("content").asText());
                            }
                        }
                        return text.toString();
                    }));
                }
            }
            for (int i = 0; i < clients; i++) {
                assertThat(results.get(i).get()).as("client " + i).isEqualTo(alone.get(i));
            }
            assertThat(server.model("tiny").scheduler().activeSequences()).isZero();
        }
    }

    private static ObjectNode body(int client, boolean stream) {
        ObjectNode b = ChatCompletionsTest.request("tiny", "client number " + client);
        b.put("max_tokens", 6).put("seed", 1000 + client).put("temperature", 0.8).put("stream", stream);
        return b;
    }

    private static JsonNode ok(TestServer.Reply r) throws Exception {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }
}
