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
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Per-key requests and tokens per minute: a sliding minute, 429 with Retry-After past it. */
class QuotasTest {
    static final long SECOND = 1_000_000_000L;
    @TempDir
    static Path dir;
    static KeyStore keys;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        Database database = Database.open(dir.resolve("data"));
        keys = new KeyStore(database);
        server = TestServer.start(dir, ServerOptions.loopback(0), 4, database);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void requestsPerMinuteSlideWithTheClock() {
        AtomicLong now = new AtomicLong(1_000 * SECOND);
        KeyQuotas quotas = new KeyQuotas(now::get);
        Caller caller = new Caller("key_a", false, 2L, null);
        quotas.admit(caller);
        now.addAndGet(20 * SECOND);
        quotas.admit(caller);
        now.addAndGet(10 * SECOND);
        // two in the last minute; the first leaves the window 30 s from now
        assertThatThrownBy(() -> quotas.admit(caller)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.retryAfterSeconds()).isEqualTo(30L);
            assertThat(e.code()).isEqualTo("rate_limit_exceeded");
        });
        now.addAndGet(30 * SECOND);
        quotas.admit(caller); // the first request is a minute old now
        assertThatThrownBy(() -> quotas.admit(caller)).isInstanceOf(ApiException.class);
        // another key is counted apart; a caller without limits is never counted
        quotas.admit(new Caller("key_b", false, 2L, null));
        for (int i = 0; i < 100; i++) {
            quotas.admit(Caller.ANONYMOUS);
        }
    }

    @Test
    void tokensPerMinuteRefuseTheRequestAfterTheOneThatWentOver() {
        AtomicLong now = new AtomicLong(5 * SECOND);
        KeyQuotas quotas = new KeyQuotas(now::get);
        Caller caller = new Caller("key_t", false, null, 100L);
        quotas.admit(caller);
        quotas.spend(caller, 60);
        now.addAndGet(10 * SECOND);
        quotas.admit(caller); // 60 < 100: admitted, and it may go over
        quotas.spend(caller, 70);
        now.addAndGet(5 * SECOND);
        // 130 in the last minute; below 100 once the 60 leave, 45 s from now
        assertThatThrownBy(() -> quotas.admit(caller)).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.retryAfterSeconds()).isEqualTo(45L));
        now.addAndGet(45 * SECOND);
        quotas.admit(caller);
    }

    @Test
    void overTheRequestLimitTheServerAnswers429WithRetryAfter() throws Exception {
        NewKey key = keys.create("limited", false, 2L, null);
        String[] auth = StoredKeysTest.bearer(key);
        ObjectNode body = embedding();
        assertThat(server.post("/v1/embeddings", body, auth).status()).isEqualTo(200);
        assertThat(server.post("/v1/embeddings", body, auth).status()).isEqualTo(200);
        TestServer.Reply refused = server.post("/v1/embeddings", body, auth);
        JsonNode e = ErrorsTest.error(refused, 429);
        assertThat(e.get("type").asText()).isEqualTo("rate_limit_error");
        assertThat(e.get("code").asText()).isEqualTo("rate_limit_exceeded");
        long retryAfter = Long.parseLong(refused.raw().headers().firstValue("retry-after").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 60L);
        // listing models is not metered; other callers are not affected
        assertThat(server.get("/v1/models", auth).status()).isEqualTo(200);
        assertThat(server.post("/v1/embeddings", body).status()).isEqualTo(200);
    }

    @Test
    void overTheTokenLimitTheNextRequestIsRefused() throws Exception {
        NewKey key = keys.create("few-tokens", false, null, 1L);
        String[] auth = StoredKeysTest.bearer(key);
        assertThat(server.post("/v1/embeddings", embedding(), auth).status()).isEqualTo(200);
        JsonNode e = ErrorsTest.error(server.post("/v1/embeddings", embedding(), auth), 429);
        assertThat(e.get("message").asText()).contains("tokens per minute");
    }

    static ObjectNode embedding() {
        ObjectNode body = TestServer.JSON.createObjectNode();
        body.put("model", "tiny").put("input", "a few words");
        return body;
    }
}
