package dev.sirocco.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Anonymous (loopback, no key) API calls are served to this machine's own clients only: a page on another site,
 * running in a local browser, cannot make the browser spend the model on its behalf.
 */
class CrossSiteApiTest {
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

    static final String CHAT = "{\"model\": \"tiny\", \"max_tokens\": 2, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";

    @Test
    void anotherSitesPageIsRefused() throws Exception {
        TestServer.Reply r = server.post("/v1/chat/completions", CHAT, "Origin", "http://evil.example");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().get("error").get("code").asText()).isEqualTo("cross_origin");
        TestServer.Reply marked = server.post("/v1/chat/completions", CHAT, "Sec-Fetch-Site", "cross-site");
        assertThat(marked.status()).isEqualTo(403);
    }

    @Test
    void toolsWithoutABrowserAndSameOriginPagesAreServed() throws Exception {
        assertThat(server.post("/v1/chat/completions", CHAT).status()).isEqualTo(200); // curl, SDKs: no Origin
        assertThat(server.post("/v1/chat/completions", CHAT, "Origin", server.base).status()).isEqualTo(200); // the web app
        assertThat(server.get("/v1/models", "Sec-Fetch-Site", "same-origin").status()).isEqualTo(200);
    }
}
