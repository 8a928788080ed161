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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Stored keys over HTTP on a loopback server: no key is anonymous, a Sirocco key must be valid and unrevoked, and a
 * revocation (by another process, through the same file) applies to the very next request.
 */
class StoredKeysTest {
    @TempDir
    static Path dir;
    static Database database;
    static KeyStore keys;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        database = Database.open(dir.resolve("data"));
        keys = new KeyStore(database);
        server = TestServer.start(dir, ServerOptions.loopback(0), 4, database);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String[] bearer(NewKey key) {
        return new String[]{"Authorization", "Bearer " + key.secret().value()};
    }

    static ObjectNode shortChat() {
        ObjectNode body = ChatCompletionsTest.request("tiny", "hello");
        body.put("max_tokens", 2);
        return body;
    }

    @Test
    void onLoopbackNoKeyAndPlaceholderKeysAreAnonymous() throws Exception {
        assertThat(server.get("/v1/models").status()).isEqualTo(200);
        // the OpenAI and Mistral SDKs insist on some key; their users pass placeholders to local servers
        assertThat(server.get("/v1/models", "Authorization", "Bearer sk-no-key").status()).isEqualTo(200);
        assertThat(server.post("/v1/chat/completions", shortChat(), "Authorization", "Bearer EMPTY").status()).isEqualTo(200);
    }

    @Test
    void aValidKeyIsAcceptedAndAnUnknownSiroccoKeyIs401() throws Exception {
        NewKey key = keys.create("valid", false, null, null);
        assertThat(server.post("/v1/chat/completions", shortChat(), bearer(key)).status()).isEqualTo(200);
        String forged = "sk-sirocco-" + "A".repeat(43);
        JsonNode e = ErrorsTest.error(server.get("/v1/models", "Authorization", "Bearer " + forged), 401);
        assertThat(e.get("code").asText()).isEqualTo("invalid_api_key");
        ErrorsTest.error(server.post("/v1/chat/completions", shortChat(), "Authorization", "Bearer " + key.secret().value() + "x"), 401);
    }

    @Test
    void revocationAppliesToTheNextRequest() throws Exception {
        NewKey key = keys.create("short-lived", false, null, null);
        assertThat(server.get("/v1/models", bearer(key)).status()).isEqualTo(200);
        // a separate store over the same file, as `sirocco keys revoke` in another process would be
        new KeyStore(Database.open(dir.resolve("data"))).revoke(key.key().id());
        JsonNode e = ErrorsTest.error(server.get("/v1/models", bearer(key)), 401);
        assertThat(e.get("message").asText()).contains("revoked");
        ErrorsTest.error(server.post("/v1/chat/completions", shortChat(), bearer(key)), 401);
    }

    @Test
    void withApiKeyEveryRequestNeedsAKeyAndStoredKeysWorkToo() throws Exception {
        NewKey key = keys.create("beside-api-key", false, null, null);
        try (TestServer guarded = TestServer.start(java.nio.file.Files.createDirectories(dir.resolve("guarded")), ServerOptions.loopback(0).withApiKey("operator-secret"), 4, database)) {
            ErrorsTest.error(guarded.get("/v1/models"), 401);
            ErrorsTest.error(guarded.get("/v1/models", "Authorization", "Bearer sk-no-key"), 401);
            assertThat(guarded.get("/v1/models", "Authorization", "Bearer operator-secret").status()).isEqualTo(200);
            assertThat(guarded.get("/v1/models", bearer(key)).status()).isEqualTo(200);
        }
    }

    @Test
    void beyondLoopbackWithoutAnyKeyTheServerRefusesToStart() throws Exception {
        Database empty = Database.open(dir.resolve("empty"));
        ServerOptions everywhere = new ServerOptions("0.0.0.0", 0, null, 1024, ServerOptions.DEFAULT_REQUEST_TIMEOUT, true);
        assertThatThrownBy(() -> ApiServer.start(everywhere, List.of(), empty))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sirocco keys create");
        assertThatThrownBy(() -> ApiServer.start(everywhere, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--api-key");
        assertThat(everywhere.keyRequired()).isTrue();
    }
}
