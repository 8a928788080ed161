package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /health}, {@code /v1/models} and {@code /v1/models/{id}} over HTTP, and 404/405 for what is not there. */
class ModelsEndpointTest {
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

    @Test
    void healthListsTheServedModels() throws Exception {
        TestServer.Reply r = server.get("/health");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).isEqualTo("ok");
        assertThat(r.json().get("models")).extracting(JsonNode::asText).containsExactly("tiny", "small");
    }

    @Test
    void modelListCarriesOpenAiAndMistralFields() throws Exception {
        TestServer.Reply r = server.get("/v1/models");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw().headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode list = r.json();
        assertThat(list.get("object").asText()).isEqualTo("list");
        assertThat(list.get("data")).hasSize(2);
        JsonNode small = list.get("data").get(1);
        assertThat(small.get("id").asText()).isEqualTo("small");
        assertThat(small.get("object").asText()).isEqualTo("model");
        assertThat(small.get("created").isIntegralNumber()).isTrue();
        assertThat(small.get("created").asLong()).isEqualTo(dir.resolve("small.gguf").toFile().lastModified() / 1000);
        assertThat(small.get("owned_by").isTextual()).isTrue();
        assertThat(small.get("max_context_length").asInt()).isEqualTo(32); // the context the server was started with
        assertThat(small.get("type").asText()).isEqualTo("base");
        assertThat(small.get("aliases").isArray()).isTrue();
        JsonNode caps = small.get("capabilities");
        assertThat(caps.get("completion_chat").asBoolean()).isTrue();
        assertThat(caps.get("function_calling").asBoolean()).as("function_calling: the template has a tool-call syntax")
                .isEqualTo(server.model("small").toolFormat() != null);
        for (String off : new String[]{"completion_fim", "fine_tuning", "vision"}) {
            assertThat(caps.get(off).isBoolean()).as(off).isTrue();
            assertThat(caps.get(off).asBoolean()).as(off + " is not implemented yet").isFalse();
        }
    }

    @Test
    void oneModelCardEqualsItsEntryInTheList() throws Exception {
        TestServer.Reply one = server.get("/v1/models/tiny");
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json()).isEqualTo(server.get("/v1/models").json().get("data").get(0));
    }

    @Test
    void unknownModelIdIs404WithAnErrorBody() throws Exception {
        TestServer.Reply r = server.get("/v1/models/nope");
        assertThat(r.status()).isEqualTo(404);
        JsonNode error = r.json().get("error");
        assertThat(error.get("message").asText()).contains("nope");
        assertThat(error.get("code").asText()).isEqualTo("model_not_found");
        assertThat(error.get("param").asText()).isEqualTo("model");
        assertThat(error.has("type")).isTrue();
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405() throws Exception {
        TestServer.Reply missing = server.get("/v1/nothing-here");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("error").get("message").asText()).contains("/v1/nothing-here");

        TestServer.Reply wrongMethod = server.get("/v1/chat/completions");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.json().get("error").get("code").asText()).isEqualTo("method_not_allowed");
    }
}
