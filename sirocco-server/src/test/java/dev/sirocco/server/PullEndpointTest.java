package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.models.hub.HubClient;
import dev.sirocco.models.store.ModelStore;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import dev.sirocco.testkit.TinyHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /v1/models/pull}: a model pulled from a (local imitation of the) hub is listed and served at once. */
class PullEndpointTest {
    @TempDir
    Path dir;
    TinyHub hub;
    ModelRegistry registry;
    ApiServer api;
    TestServer client; // only its HTTP helpers: the server under test is api
    String adminKey;
    String userKey;

    @BeforeEach
    void start() throws Exception {
        byte[] gguf = Files.readAllBytes(RandomModels.write(ModelSpec.tinyLlama(), dir.resolve("m.gguf")));
        hub = new TinyHub("acme/Tiny-GGUF", "tiny-Q4_K_M.gguf", gguf);
        ModelStore store = new ModelStore(dir.resolve("data"));
        EngineOptions options = EngineOptions.defaults().withThreads(1).withContextSize(64);
        registry = new ModelRegistry(List.of(), () -> ModelSource.inStore(store, options, 1, 4), Long.MAX_VALUE, Duration.ZERO);
        var database = dev.sirocco.server.store.Database.open(dir.resolve("data"));
        var keys = new dev.sirocco.server.store.KeyStore(database);
        adminKey = keys.create("admin", true, null, null).secret().value();
        userKey = keys.create("user", false, null, null).secret().value();
        api = ApiServer.start(ServerOptions.loopback(0), registry, database, store,
                new HubClient(hub.endpoint(), null));
        client = TestServer.of(List.of());
    }

    @AfterEach
    void stop() {
        client.close();
        api.close();
        registry.close();
        hub.close();
    }

    private TestServer.Reply post(String body) throws Exception {
        return post(body, adminKey);
    }

    private TestServer.Reply post(String body, String key) throws Exception {
        var b = java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/v1/models/pull"))
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return client.send(b.build());
    }

    @Test
    void onlyAnAdministratorMayPull() throws Exception {
        for (String key : new String[]{null, userKey}) {
            TestServer.Reply r = post("{\"model\": \"hf:acme/Tiny-GGUF\"}", key);
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.json().get("error").get("code").asText()).isEqualTo("admin_required");
            assertThat(r.json().get("error").get("message").asText()).contains("sirocco keys create --admin");
        }
        assertThat(registry.infos()).as("nothing was pulled").isEmpty();
    }

    @Test
    void aStreamedPullReportsProgressThenTheModelWhichIsServedAtOnce() throws Exception {
        TestServer.Reply r = post("{\"model\": \"hf:acme/Tiny-GGUF\"}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw().headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        List<JsonNode> events = TestServer.events(r.body());
        assertThat(events.getFirst().get("status").asText()).isEqualTo("pulling");
        JsonNode lastProgress = events.stream().filter(e -> e.get("status").asText().equals("downloading")).reduce((a, b) -> b).orElseThrow();
        assertThat(lastProgress.get("completed").asLong()).isEqualTo(lastProgress.get("total").asLong()).isPositive();
        JsonNode done = events.getLast();
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("success");
        assertThat(done.get("id").asText()).isEqualTo("tiny:q4_k_m");
        assertThat(done.get("model").get("id").asText()).isEqualTo("tiny:q4_k_m");

        JsonNode models = TestServer.JSON.readTree(client.send(java.net.http.HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + api.port() + "/v1/models")).build()).body());
        assertThat(models.get("data")).extracting(m -> m.get("id").asText()).containsExactly("tiny:q4_k_m");
        TestServer.Reply chat = client.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"tiny:q4_k_m\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build());
        assertThat(chat.status()).as(chat.body()).isEqualTo(200);
    }

    @Test
    void aPullWithoutStreamAnswersOnceWithTheStoredModel() throws Exception {
        TestServer.Reply r = post("{\"model\": \"hf:acme/Tiny-GGUF:Q4_K_M\", \"stream\": false}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).isEqualTo("success");
        assertThat(r.json().get("sha256").asText()).hasSize(64);
    }

    @Test
    void aRepositoryTheHubDoesNotHaveIsAnErrorEventOrA502NamingIt() throws Exception {
        List<JsonNode> events = TestServer.events(post("{\"model\": \"hf:acme/Nope\"}").body());
        JsonNode last = events.getLast();
        assertThat(last.get("status").asText()).isEqualTo("error");
        assertThat(last.get("error").get("code").asText()).isEqualTo("pull_failed");
        assertThat(last.get("error").get("message").asText()).contains("acme/Nope", "not found");

        TestServer.Reply whole = post("{\"model\": \"hf:acme/Nope\", \"stream\": false}");
        assertThat(whole.status()).isEqualTo(502);
        assertThat(whole.json().get("error").get("message").asText()).contains("acme/Nope");
    }

    @Test
    void aMalformedRequestIsA400NamingTheField() throws Exception {
        TestServer.Reply bad = post("{\"model\": \"not a repo\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").get("param").asText()).isEqualTo("model");
        TestServer.Reply missing = post("{\"revision\": \"main\"}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().get("error").get("param").asText()).isEqualTo("model");
        TestServer.Reply unknown = post("{\"model\": \"hf:acme/Tiny-GGUF\", \"insecure\": true}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("error").get("message").asText()).contains("insecure");
    }
}
