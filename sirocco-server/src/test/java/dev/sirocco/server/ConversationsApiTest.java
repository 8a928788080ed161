package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sirocco.server.store.Database;
import dev.sirocco.server.store.KeyStore;
import dev.sirocco.server.store.NewKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /api/conversations} over HTTP: the web app's conversations kept per key, bad input answered with the field
 * at fault, other web sites refused, and everything still there after a restart.
 */
class ConversationsApiTest {
    @TempDir
    static Path dir;
    static Database database;
    static TestServer server;
    static NewKey alice;
    static NewKey bob;

    @BeforeAll
    static void start() throws Exception {
        database = Database.open(dir.resolve("data"));
        alice = new KeyStore(database).create("alice", false, null, null);
        bob = new KeyStore(database).create("bob", false, null, null);
        server = TestServer.start(dir, ServerOptions.loopback(0), 4, database);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String[] as(NewKey key) {
        return new String[]{"Authorization", "Bearer " + key.secret().value()};
    }

    static JsonNode created(TestServer.Reply r) throws Exception {
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    static JsonNode ok(TestServer.Reply r) throws Exception {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static TestServer.Reply send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return server.send(b.build());
    }

    @Test
    void aConversationIsCreatedReadRenamedExtendedAndDeleted() throws Exception {
        JsonNode c = created(server.post("/api/conversations", """
                {"title": "  Trip  ", "model": "tiny", "system_prompt": "Be brief.", "settings": {"temperature": 0.5, "max_tokens": 64},
                 "messages": [{"role": "user", "content": "Where to?"}]}""", as(alice)));
        String id = c.get("id").asText();
        assertThat(id).matches("conv_[A-Za-z0-9]{16}");
        assertThat(c.get("title").asText()).isEqualTo("Trip");
        assertThat(c.get("settings").get("max_tokens").asLong()).isEqualTo(64);
        assertThat(c.get("messages")).hasSize(1);

        JsonNode appended = created(send("POST", "/api/conversations/" + id + "/messages", """
                {"messages": [{"role": "assistant", "content": "Lisbon.", "model": "tiny", "finish_reason": "stop",
                  "prompt_tokens": 12, "completion_tokens": 3, "tokens_per_second": 41.5,
                  "tool_calls": [{"id": "abcdefghi", "type": "function", "function": {"name": "f", "arguments": "{}"}}]}]}""", as(alice)));
        assertThat(appended.get("data").get(0).get("position").asLong()).isEqualTo(1);

        JsonNode renamed = ok(send("PATCH", "/api/conversations/" + id, "{\"title\": \"Lisbon trip\", \"system_prompt\": null}", as(alice)));
        assertThat(renamed.get("title").asText()).isEqualTo("Lisbon trip");
        assertThat(renamed.get("system_prompt").isNull()).isTrue();
        assertThat(renamed.get("model").asText()).as("fields not given are kept").isEqualTo("tiny");

        JsonNode read = ok(server.get("/api/conversations/" + id, as(alice)));
        JsonNode answer = read.get("messages").get(1);
        assertThat(answer.get("content").asText()).isEqualTo("Lisbon.");
        assertThat(answer.get("tokens_per_second").asDouble()).isEqualTo(41.5);
        assertThat(answer.get("completion_tokens").asLong()).isEqualTo(3);
        assertThat(answer.get("tool_calls").get(0).get("function").get("name").asText()).isEqualTo("f");

        JsonNode edited = created(send("POST", "/api/conversations/" + id + "/messages",
                "{\"replace_from\": 0, \"messages\": [{\"role\": \"user\", \"content\": \"Where else?\"}]}", as(alice)));
        assertThat(edited.get("data")).hasSize(1);
        assertThat(ok(server.get("/api/conversations/" + id, as(alice))).get("messages")).hasSize(1);

        JsonNode deleted = ok(send("DELETE", "/api/conversations/" + id, null, as(alice)));
        assertThat(deleted.get("deleted").asBoolean()).isTrue();
        ErrorsTest.error(server.get("/api/conversations/" + id, as(alice)), 404);
    }

    @Test
    void eachKeySeesOnlyItsOwnConversations() throws Exception {
        String id = created(server.post("/api/conversations", "{\"title\": \"Alice's\"}", as(alice))).get("id").asText();
        String anonymous = created(server.post("/api/conversations", "{\"title\": \"Nobody's\"}")).get("id").asText();
        assertThat(ok(server.get("/api/conversations", as(alice))).get("data").findValuesAsText("id")).contains(id).doesNotContain(anonymous);
        assertThat(ok(server.get("/api/conversations", as(bob))).get("data").findValuesAsText("id")).doesNotContain(id, anonymous);
        assertThat(ok(server.get("/api/conversations")).get("data").findValuesAsText("id")).contains(anonymous).doesNotContain(id);
        JsonNode e = ErrorsTest.error(server.get("/api/conversations/" + id, as(bob)), 404);
        assertThat(e.get("code").asText()).isEqualTo("conversation_not_found");
        ErrorsTest.error(send("PATCH", "/api/conversations/" + id, "{\"title\": \"mine now\"}", as(bob)), 404);
        ErrorsTest.error(send("DELETE", "/api/conversations/" + id, null, as(bob)), 404);
        ErrorsTest.error(send("POST", "/api/conversations/" + id + "/messages", "{\"messages\": []}", as(bob)), 404);
        assertThat(ok(server.get("/api/conversations/" + id, as(alice))).get("title").asText()).isEqualTo("Alice's");
    }

    @Test
    void searchFindsConversationsByTitleOrMessage() throws Exception {
        created(server.post("/api/conversations", "{\"title\": \"Quantum cats\"}", as(bob)));
        created(server.post("/api/conversations", "{\"messages\": [{\"role\": \"user\", \"content\": \"tell me about QUANTUM dogs\"}]}", as(bob)));
        created(server.post("/api/conversations", "{\"title\": \"Unrelated\"}", as(bob)));
        JsonNode found = ok(server.get("/api/conversations?q=quantum", as(bob)));
        assertThat(found.get("data").findValuesAsText("title")).containsExactlyInAnyOrder("Quantum cats", ConversationsEndpoint.DEFAULT_TITLE);
        assertThat(ok(server.get("/api/conversations?q=quantum&limit=1", as(bob))).get("data")).hasSize(1);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"title\": 5}                                               | title",
            "{\"title\": \"   \"}                                         | title",
            "{\"colour\": \"red\"}                                        | colour",
            "{\"settings\": {\"temperature\": 3}}                         | settings.temperature",
            "{\"settings\": {\"max_tokens\": 1.5}}                        | settings.max_tokens",
            "{\"settings\": {\"seed\": 1}}                                | settings.seed",
            "{\"settings\": []}                                           | settings",
            "{\"messages\": {}}                                           | messages",
            "{\"messages\": [{\"role\": \"system\", \"content\": \"x\"}]}  | messages[0].role",
            "{\"messages\": [{\"role\": \"user\"}]}                       | messages[0].content",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"a\", \"prompt_tokens\": -1}]} | messages[0].prompt_tokens",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"a\", \"tool_calls\": []}]}   | messages[0].tool_calls",
            "{\"model\": [\"tiny\"]}                                      | model",
    })
    void badInputIsA400NamingTheField(String body, String field) throws Exception {
        JsonNode e = ErrorsTest.error(server.post("/api/conversations", body), 400);
        assertThat(e.get("param").asText()).isEqualTo(field);
        assertThat(e.get("message").asText()).contains(field);
    }

    @Test
    void replacingBeyondTheLastMessageIsA400() throws Exception {
        String id = created(server.post("/api/conversations", "{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}]}")).get("id").asText();
        JsonNode e = ErrorsTest.error(send("POST", "/api/conversations/" + id + "/messages",
                "{\"replace_from\": 3, \"messages\": [{\"role\": \"user\", \"content\": \"q\"}]}"), 400);
        assertThat(e.get("param").asText()).isEqualTo("replace_from");
        assertThat(e.get("message").asText()).contains("1 messages");
    }

    @Test
    void pagesOfOtherSitesAreRefused() throws Exception {
        String body = "{\"title\": \"forged\"}";
        JsonNode e = ErrorsTest.error(server.post("/api/conversations", body, "Origin", "http://evil.example"), 403);
        assertThat(e.get("code").asText()).isEqualTo("cross_origin");
        ErrorsTest.error(server.post("/api/conversations", body, "Sec-Fetch-Site", "cross-site"), 403);
        ErrorsTest.error(server.post("/api/conversations", body, "Sec-Fetch-Site", "same-site"), 403);
        ErrorsTest.error(server.get("/api/conversations", "Origin", "http://localhost:1"), 403);
        // a form or text/plain post needs no CORS preflight: only JSON bodies are taken
        HttpRequest plain = HttpRequest.newBuilder(URI.create(server.base + "/api/conversations"))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        assertThat(ErrorsTest.error(server.send(plain), 415).get("message").asText()).contains("application/json");
        // the app's own page is welcome
        String origin = server.base;
        created(server.post("/api/conversations", body, "Origin", origin, "Sec-Fetch-Site", "same-origin"));
        assertThat(ok(server.get("/api/conversations", "Origin", origin)).get("data")).isNotEmpty();
    }

    @Test
    void anonymousCallersMustUseALoopbackName() throws Exception {
        // what a DNS-rebinding page sends: its own host name, resolved to 127.0.0.1
        assertThat(rawGet("/api/conversations", "evil.example:" + server.server.port(), null)).startsWith("HTTP/1.1 403");
        assertThat(rawGet("/api/conversations", "localhost:" + server.server.port(), null)).startsWith("HTTP/1.1 200");
        assertThat(rawGet("/api/conversations", "evil.example", "Bearer " + alice.secret().value())).startsWith("HTTP/1.1 200");
    }

    private static String rawGet(String path, String host, String authorization) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.server.port())) {
            OutputStream out = s.getOutputStream();
            String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
                    + (authorization == null ? "" : "Authorization: " + authorization + "\r\n") + "Connection: close\r\n\r\n";
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            s.setSoTimeout(30_000);
            // the status line only: the server may keep the connection open after the answer
            return new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    @Test
    void conversationsSurviveARestart() throws Exception {
        Path data = dir.resolve("restart");
        String id;
        try (TestServer first = TestServer.start(java.nio.file.Files.createDirectories(dir.resolve("r1")), ServerOptions.loopback(0), 2,
                Database.open(data))) {
            id = created(first.post("/api/conversations", "{\"title\": \"Kept\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"))
                    .get("id").asText();
        }
        try (TestServer second = TestServer.start(java.nio.file.Files.createDirectories(dir.resolve("r2")), ServerOptions.loopback(0), 2,
                Database.open(data))) {
            JsonNode c = ok(second.get("/api/conversations/" + id));
            assertThat(c.get("title").asText()).isEqualTo("Kept");
            assertThat(c.get("messages").get(0).get("content").asText()).isEqualTo("hi");
        }
    }

    @Test
    void withoutADatabaseTheEndpointsSaySo() throws Exception {
        try (TestServer bare = TestServer.of(List.of())) {
            JsonNode e = ErrorsTest.error(bare.get("/api/conversations"), 404);
            assertThat(e.get("message").asText()).contains("without a database");
            ErrorsTest.error(bare.send(HttpRequest.newBuilder(URI.create(bare.base + "/api/conversations")).PUT(HttpRequest.BodyPublishers.noBody()).build()), 405);
        }
    }

}
