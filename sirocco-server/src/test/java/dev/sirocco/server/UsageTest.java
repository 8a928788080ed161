package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.server.store.Database;
import dev.sirocco.server.store.KeyStore;
import dev.sirocco.server.store.NewKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Usage is charged per key, model and day after real requests (whole, streamed, embeddings), matches what the
 * responses themselves reported, and {@code GET /v1/usage} shows a key its own rows and an admin everyone's.
 */
class UsageTest {
    @TempDir
    static Path dir;
    static TestServer server;
    static NewKey alice;
    static NewKey bob;
    static NewKey admin;
    static long alicePrompt;
    static long aliceCompletion;
    static long aliceRequests;

    @BeforeAll
    static void start() throws Exception {
        Database database = Database.open(dir.resolve("data"));
        KeyStore keys = new KeyStore(database);
        alice = keys.create("alice", false, null, null);
        bob = keys.create("bob", false, null, null);
        admin = keys.create("ops", true, null, null);
        server = TestServer.start(dir, ServerOptions.loopback(0), 4, database);

        String[] auth = StoredKeysTest.bearer(alice);
        ObjectNode chat = ChatCompletionsTest.request("tiny", "count these tokens");
        chat.put("max_tokens", 5).put("temperature", 0);
        JsonNode whole = ChatCompletionsTest.ok(server.post("/v1/chat/completions", chat, auth)).get("usage");
        ObjectNode streamed = chat.deepCopy();
        streamed.put("stream", true).putObject("stream_options").put("include_usage", true);
        TestServer.Reply sse = server.post("/v1/chat/completions", streamed, auth);
        assertThat(sse.status()).isEqualTo(200);
        List<JsonNode> events = TestServer.events(sse.body());
        JsonNode streamUsage = events.get(events.size() - 1).get("usage");
        ObjectNode text = TestServer.JSON.createObjectNode();
        text.put("model", "small").put("prompt", "once upon").put("max_tokens", 3).put("n", 2);
        JsonNode small = ChatCompletionsTest.ok(server.post("/v1/completions", text, auth)).get("usage");
        JsonNode embedded = ChatCompletionsTest.ok(server.post("/v1/embeddings", QuotasTest.embedding(), auth)).get("usage");
        for (JsonNode u : List.of(whole, streamUsage, embedded)) {
            alicePrompt += u.get("prompt_tokens").asLong();
            aliceCompletion += u.get("completion_tokens").asLong();
        }
        aliceRequests = 3;
        assertThat(small.get("completion_tokens").asLong()).isPositive();

        ChatCompletionsTest.ok(server.post("/v1/embeddings", QuotasTest.embedding(), StoredKeysTest.bearer(bob)));
        ChatCompletionsTest.ok(server.post("/v1/embeddings", QuotasTest.embedding())); // anonymous
        // a refused request is not charged
        ErrorsTest.error(server.post("/v1/chat/completions", ChatCompletionsTest.request("tiny", "word ".repeat(300)), auth), 400);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aKeySeesItsOwnUsageMatchingWhatTheResponsesReported() throws Exception {
        JsonNode usage = ChatCompletionsTest.ok(server.get("/v1/usage", StoredKeysTest.bearer(alice)));
        assertThat(usage.get("object").asText()).isEqualTo("usage");
        JsonNode data = usage.get("data");
        assertThat(data).hasSize(2);
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        JsonNode tiny = row(data, "tiny");
        assertThat(tiny.get("date").asText()).isEqualTo(today);
        assertThat(tiny.get("key_id").asText()).isEqualTo(alice.key().id());
        assertThat(tiny.get("key_name").asText()).isEqualTo("alice");
        assertThat(tiny.get("requests").asLong()).isEqualTo(aliceRequests);
        assertThat(tiny.get("prompt_tokens").asLong()).isEqualTo(alicePrompt);
        assertThat(tiny.get("completion_tokens").asLong()).isEqualTo(aliceCompletion);
        assertThat(tiny.get("total_tokens").asLong()).isEqualTo(alicePrompt + aliceCompletion);
        assertThat(row(data, "small").get("requests").asLong()).isEqualTo(1);
        assertThat(usage.get("total").get("requests").asLong()).isEqualTo(aliceRequests + 1);
    }

    @Test
    void usageIsInTheFileWhenTheResponseArrives() throws Exception {
        // a fresh connection to the same file, as after a restart, sees every request answered so far
        var rows = new dev.sirocco.server.store.UsageStore(Database.open(dir.resolve("data"))).query(alice.key().id(), null, null);
        assertThat(rows.stream().mapToLong(dev.sirocco.server.store.UsageRow::requests).sum()).isEqualTo(aliceRequests + 1);
        assertThat(rows.stream().filter(r -> r.model().equals("tiny")).mapToLong(dev.sirocco.server.store.UsageRow::promptTokens).sum())
                .isEqualTo(alicePrompt);
    }

    @Test
    void anAdminSeesEveryoneAndMayNarrowToOneKey() throws Exception {
        String[] auth = StoredKeysTest.bearer(admin);
        JsonNode all = ChatCompletionsTest.ok(server.get("/v1/usage", auth)).get("data");
        assertThat(all.findValuesAsText("key_id")).contains(alice.key().id(), bob.key().id(), "anonymous");
        JsonNode onlyBob = ChatCompletionsTest.ok(server.get("/v1/usage?key_id=" + bob.key().id(), auth)).get("data");
        assertThat(onlyBob).hasSize(1);
        assertThat(onlyBob.get(0).get("prompt_tokens").asLong()).isPositive();
    }

    @Test
    void aKeyCannotReadAnotherKeysUsage() throws Exception {
        JsonNode e = ErrorsTest.error(server.get("/v1/usage?key_id=" + alice.key().id(), StoredKeysTest.bearer(bob)), 403);
        assertThat(e.get("param").asText()).isEqualTo("key_id");
        JsonNode anonymous = ChatCompletionsTest.ok(server.get("/v1/usage")).get("data");
        assertThat(anonymous.findValuesAsText("key_id")).containsOnly("anonymous");
    }

    @Test
    void datesBoundTheDaysAndBadDatesAre400() throws Exception {
        String[] auth = StoredKeysTest.bearer(alice);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertThat(ChatCompletionsTest.ok(server.get("/v1/usage?end=" + today.minusDays(1), auth)).get("data")).isEmpty();
        assertThat(ChatCompletionsTest.ok(server.get("/v1/usage?start=" + today.minusDays(1) + "&end=" + today.plusDays(1), auth))
                .get("data")).hasSize(2);
        assertThat(ErrorsTest.error(server.get("/v1/usage?start=yesterday", auth), 400).get("param").asText()).isEqualTo("start");
        assertThat(ErrorsTest.error(server.get("/v1/usage?start=2026-11-02&end=2026-11-01", auth), 400).get("param").asText()).isEqualTo("end");
    }

    @Test
    void aServerWithoutADatabaseSaysItKeepsNoUsage() throws Exception {
        try (TestServer bare = TestServer.of(List.of())) {
            assertThat(ErrorsTest.error(bare.get("/v1/usage"), 404).get("code").asText()).isEqualTo("usage_not_recorded");
        }
    }

    private static JsonNode row(JsonNode data, String model) {
        for (JsonNode r : data) {
            if (r.get("model").asText().equals(model)) {
                return r;
            }
        }
        throw new AssertionError("no usage row for " + model + " in " + data);
    }
}
