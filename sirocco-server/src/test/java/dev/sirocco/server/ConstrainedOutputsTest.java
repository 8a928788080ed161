package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code response_format} on {@code /v1/chat/completions}: json_schema and json_object answers parse and validate
 * (networknt's validator, independent of the constraint compiler), streamed or not, for every choice, and the budget
 * rule closes the JSON when max_tokens allows it and reports "length" when it cannot.
 */
class ConstrainedOutputsTest {
    @TempDir
    static Path dir;
    static TestServer server;

    static final String SCHEMA = "{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\", \"minLength\": 2, \"maxLength\": 10}, "
            + "\"temperature\": {\"type\": \"number\", \"minimum\": -40, \"maximum\": 50}, \"sky\": {\"enum\": [\"clear\", \"cloudy\", \"rain\"]}, "
            + "\"wind\": {\"type\": \"array\", \"items\": {\"type\": \"integer\", \"minimum\": 0}, \"minItems\": 1, \"maxItems\": 2}}, "
            + "\"required\": [\"city\", \"temperature\", \"sky\", \"wind\"], \"additionalProperties\": false}";

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.startBatched(dir, 3, 8);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static Set<String> schemaErrors(JsonNode schema, String text) {
        JsonNode value;
        try {
            value = TestServer.JSON.readTree(text);
        } catch (Exception e) {
            return Set.of("does not parse: " + e.getMessage());
        }
        Set<ValidationMessage> errors = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema).validate(value);
        return errors.stream().map(ValidationMessage::getMessage).collect(Collectors.toSet());
    }

    private static String body(String format, int maxTokens, String extra) {
        return "{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": \"Weather?\"}], \"max_tokens\": " + maxTokens
                + ", \"temperature\": 1, \"seed\": 3, \"response_format\": " + format + extra + "}";
    }

    private static String jsonSchema(String schema) {
        return "{\"type\": \"json_schema\", \"json_schema\": {\"name\": \"weather\", \"strict\": true, \"schema\": " + schema + "}}";
    }

    @Test
    void everyChoiceOfAJsonSchemaAnswerValidatesAndStreamingGivesTheSameText() throws Exception {
        JsonNode schema = TestServer.JSON.readTree(SCHEMA);
        JsonNode whole = server.post("/v1/chat/completions", body(jsonSchema(SCHEMA), 60, ", \"n\": 3")).json();
        JsonNode choices = whole.get("choices");
        assertThat(choices).hasSize(3);
        for (JsonNode choice : choices) {
            String text = choice.get("message").get("content").asText();
            assertThat(choice.get("finish_reason").asText()).as(text).isEqualTo("stop");
            assertThat(schemaErrors(schema, text)).as(text).isEmpty();
        }
        TestServer.Reply streamed = server.post("/v1/chat/completions", body(jsonSchema(SCHEMA), 60, ", \"stream\": true"));
        StringBuilder text = new StringBuilder();
        String finish = null;
        for (JsonNode event : TestServer.events(streamed.body())) {
            JsonNode c = event.get("choices").get(0);
            if (c.path("delta").hasNonNull("content")) {
                text.append(c.get("delta").get("content").asText());
            }
            if (c.hasNonNull("finish_reason")) {
                finish = c.get("finish_reason").asText();
            }
        }
        assertThat(finish).isEqualTo("stop");
        assertThat(text.toString()).isEqualTo(choices.get(0).get("message").get("content").asText());
    }

    @Test
    void jsonObjectAnswersAreObjects() throws Exception {
        for (int seed = 0; seed < 3; seed++) {
            JsonNode r = server.post("/v1/chat/completions", body("{\"type\": \"json_object\"}", 20, ", \"seed\": " + (100 + seed))
                    .replace("\"seed\": 3, ", "")).json();
            String text = r.get("choices").get(0).get("message").get("content").asText();
            assertThat(r.get("choices").get(0).get("finish_reason").asText()).isEqualTo("stop");
            assertThat(TestServer.JSON.readTree(text).isObject()).as(text).isTrue();
        }
    }

    @Test
    void maxTokensThatCanCloseGetsClosedJsonAndTooFewGetsLength() throws Exception {
        String small = "{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"integer\"}, \"b\": {\"type\": \"string\"}}, "
                + "\"required\": [\"a\", \"b\"], \"additionalProperties\": false}";
        JsonNode schema = TestServer.JSON.readTree(small);
        int least = "{\"a\":0,\"b\":\"\"}".length(); // one token per byte always suffices
        for (int seed = 0; seed < 4; seed++) {
            for (int budget : List.of(least, least + 4)) {
                JsonNode r = server.post("/v1/chat/completions", body(jsonSchema(small), budget, "").replace("\"seed\": 3", "\"seed\": " + seed)).json();
                JsonNode c = r.get("choices").get(0);
                String text = c.get("message").get("content").asText();
                assertThat(c.get("finish_reason").asText()).as("budget %d: %s", budget, text).isEqualTo("stop");
                assertThat(schemaErrors(schema, text)).as(text).isEmpty();
                assertThat(r.get("usage").get("completion_tokens").asInt()).isLessThanOrEqualTo(budget);
            }
        }
        JsonNode cut = server.post("/v1/chat/completions", body(jsonSchema(small), 2, "")).json();
        assertThat(cut.get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
    }
}
