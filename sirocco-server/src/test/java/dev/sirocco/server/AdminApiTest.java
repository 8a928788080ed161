package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sirocco.server.store.Database;
import dev.sirocco.server.store.KeyStore;
import dev.sirocco.server.store.NewKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin pages' API: keys created, listed and revoked by administrators only; models with their state. */
class AdminApiTest {
    @TempDir
    static Path dir;
    static TestServer server;
    static NewKey admin;
    static NewKey user;

    @BeforeAll
    static void start() throws Exception {
        Database database = Database.open(dir.resolve("data"));
        admin = new KeyStore(database).create("root", true, null, null);
        user = new KeyStore(database).create("user", false, null, null);
        server = TestServer.start(dir, ServerOptions.loopback(0), 4, database);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String[] as(NewKey key) {
        return new String[]{"Authorization", "Bearer " + key.secret().value()};
    }

    @Test
    void onlyAdministratorsReachTheAdminApi() throws Exception {
        assertThat(ErrorsTest.error(server.get("/api/admin/keys"), 403).get("code").asText()).isEqualTo("admin_required");
        ErrorsTest.error(server.get("/api/admin/keys", as(user)), 403);
        ErrorsTest.error(server.post("/api/admin/keys", "{\"name\": \"x\"}", as(user)), 403);
        ErrorsTest.error(server.get("/api/admin/models", as(user)), 403);
        assertThat(server.get("/api/admin/keys", as(admin)).status()).isEqualTo(200);
    }

    @Test
    void aKeyCreatedHereWorksUntilItIsRevoked() throws Exception {
        TestServer.Reply r = server.post("/api/admin/keys", "{\"name\": \"ci\", \"rpm\": 60}", as(admin));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        JsonNode key = r.json();
        String secret = key.get("secret").asText();
        assertThat(key.get("rpm").asLong()).isEqualTo(60);
        assertThat(key.get("admin").asBoolean()).isFalse();
        assertThat(server.get("/v1/models", "Authorization", "Bearer " + secret).status()).isEqualTo(200);

        JsonNode listed = server.get("/api/admin/keys", as(admin)).json().get("data");
        assertThat(listed.findValuesAsText("name")).contains("root", "user", "ci");
        assertThat(listed.toString()).doesNotContain(secret);

        String id = key.get("id").asText();
        HttpRequest revoke = HttpRequest.newBuilder(URI.create(server.base + "/api/admin/keys/" + id + "/revoke"))
                .headers(as(admin)).POST(HttpRequest.BodyPublishers.noBody()).build();
        TestServer.Reply revoked = server.send(revoke);
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
        assertThat(revoked.json().get("revoked_at").isNumber()).isTrue();
        ErrorsTest.error(server.get("/v1/models", "Authorization", "Bearer " + secret), 401);
        HttpRequest unknown = HttpRequest.newBuilder(URI.create(server.base + "/api/admin/keys/key_nope/revoke"))
                .headers(as(admin)).POST(HttpRequest.BodyPublishers.noBody()).build();
        ErrorsTest.error(server.send(unknown), 404);
    }

    @Test
    void badKeyRequestsNameTheField() throws Exception {
        assertThat(ErrorsTest.error(server.post("/api/admin/keys", "{}", as(admin)), 400).get("param").asText()).isEqualTo("name");
        assertThat(ErrorsTest.error(server.post("/api/admin/keys", "{\"name\": \"x\", \"rpm\": 0}", as(admin)), 400).get("param").asText())
                .isEqualTo("rpm");
        assertThat(ErrorsTest.error(server.post("/api/admin/keys", "{\"name\": \"x\", \"admin\": \"yes\"}", as(admin)), 400)
                .get("param").asText()).isEqualTo("admin");
        assertThat(ErrorsTest.error(server.post("/api/admin/keys", "{\"name\": \"x\", \"scopes\": []}", as(admin)), 400)
                .get("param").asText()).isEqualTo("scopes");
    }

    @Test
    void modelsAreListedWithWhatTheyAreDoing() throws Exception {
        JsonNode models = server.get("/api/admin/models", as(admin)).json().get("data");
        assertThat(models.findValuesAsText("id")).containsExactlyInAnyOrder("tiny", "small");
        for (JsonNode m : models) {
            assertThat(m.get("loaded").asBoolean()).isTrue();
            assertThat(m.get("active_sequences").asInt()).isZero();
        }
        assertThat(models.findValues("context_size")).extracting(JsonNode::asInt).containsExactlyInAnyOrder(256, 32);
    }

    @Test
    void changedLimitsHoldTheKeyFromItsNextRequest() throws Exception {
        JsonNode key = server.post("/api/admin/keys", "{\"name\": \"limited\"}", as(admin)).json();
        String[] bearer = {"Authorization", "Bearer " + key.get("secret").asText()};
        String id = key.get("id").asText();
        assertThat(server.get("/v1/models", bearer).status()).isEqualTo(200);
        assertThat(server.get("/v1/models", bearer).status()).isEqualTo(200);
        HttpRequest patch = HttpRequest.newBuilder(URI.create(server.base + "/api/admin/keys/" + id)).headers(as(admin))
                .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString("{\"rpm\": 1}")).build();
        TestServer.Reply r = server.send(patch);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("rpm").asLong()).isEqualTo(1);
        assertThat(r.json().get("tpm").isNull()).isTrue();
        // metered requests count against the new limit: the first passes, the second in the same minute is refused
        var chat = ChatCompletionsTest.request("tiny", "hi");
        chat.put("max_tokens", 1);
        assertThat(server.post("/v1/chat/completions", chat, bearer).status()).isEqualTo(200);
        ErrorsTest.error(server.post("/v1/chat/completions", chat, bearer), 429);

        HttpRequest bad = HttpRequest.newBuilder(URI.create(server.base + "/api/admin/keys/" + id)).headers(as(admin))
                .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString("{\"tpm\": -5}")).build();
        assertThat(ErrorsTest.error(server.send(bad), 400).get("param").asText()).isEqualTo("tpm");
    }

}
