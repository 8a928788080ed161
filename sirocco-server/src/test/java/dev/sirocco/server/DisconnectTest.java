package dev.sirocco.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A client that leaves mid-stream stops its generation, so the model is free for the next request at once. */
class DisconnectTest {
    @TempDir
    Path dir;

    @Test
    void aClientThatDisconnectsMidStreamFreesTheModel() throws Exception {
        Path file = RandomModels.write(ModelSpec.tinyLlama(), dir.resolve("long.gguf"));
        // A 4096-token context and no end in sight: left alone, this generation would run for thousands of tokens.
        ServedModel model = ServedModel.load(file, EngineOptions.defaults().withThreads(1).withContextSize(4096), 4);
        try (ApiServer server = ApiServer.start(ServerOptions.loopback(0), List.of(model))) {
            ObjectNode body = TestServer.JSON.createObjectNode();
            body.put("model", "long").put("stream", true).put("temperature", 0).put("max_tokens", 4000);
            body.putArray("messages").addObject().put("role", "user").put("content", "go");
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(TestServer.JSON.writeValueAsString(body))).build();
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                int events = 0;
                for (String line; events < 3 && (line = reader.readLine()) != null; ) {
                    if (line.startsWith("data: ")) {
                        events++;
                    }
                }
                assertThat(events).isEqualTo(3);
            } // closing the body before its end drops the connection
            client.close();

            long deadline = System.nanoTime() + 10_000_000_000L;
            while ((model.scheduler().activeSequences() > 0 || model.scheduler().queueDepth() > 0) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(model.scheduler().activeSequences()).as("the abandoned generation stopped").isZero();
            HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            var samples = MetricsTest.samples(metrics.body());
            assertThat(samples).containsEntry("sirocco_cancelled_requests_total{model=\"long\"}", 1.0);
            // it was stopped, not finished: no tokens were counted as a completed generation
            assertThat(samples).containsEntry("sirocco_generated_tokens_total{model=\"long\"}", 0.0);
        } finally {
            model.close();
        }
    }
}
