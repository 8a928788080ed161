package dev.sirocco.evals.providers;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sirocco.evals.LocalChatEndpoint;
import dev.sirocco.evals.suite.ProviderSpec;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP providers against a local OpenAI-compatible endpoint (deterministic test logic, no model). */
class OpenAiChatProviderTest {
    private static final List<Message> HELLO = List.of(new Message("system", "Be brief."), new Message("user", "Hello"));

    @Test
    void sendsTheSuitesOptionsAndKeyAndReadsTheAnswer() throws Exception {
        try (LocalChatEndpoint server = new LocalChatEndpoint(b -> LocalChatEndpoint.Answer.text("echo: " + LocalChatEndpoint.lastUserMessage(b)))) {
            Map<String, Object> config = Map.of("apiBaseUrl", server.baseUrl(), "apiKey", "sk-test", "temperature", 0.2,
                    "max_tokens", 32L, "seed", 7L, "response_format", Map.of("type", "json_object"));
            Provider p = Providers.create(new ProviderSpec("openai:chat:gpt-4o-mini", "gpt", config, "s.yaml", 3),
                    Path.of("."), k -> null);
            ProviderResponse r = p.complete(HELLO);
            assertThat(r.error()).isNull();
            assertThat(r.output()).isEqualTo("echo: Hello");
            LocalChatEndpoint.Seen seen = server.requests().getFirst();
            assertThat(seen.authorization()).isEqualTo("Bearer sk-test");
            assertThat(seen.body().path("model").asText()).isEqualTo("gpt-4o-mini");
            assertThat(seen.body().path("messages").size()).isEqualTo(2);
            assertThat(seen.body().path("messages").get(0).path("role").asText()).isEqualTo("system");
            assertThat(seen.body().path("temperature").asDouble()).isEqualTo(0.2);
            assertThat(seen.body().path("max_tokens").asInt()).isEqualTo(32);
            assertThat(seen.body().path("seed").asInt()).isEqualTo(7);
            assertThat(seen.body().path("response_format").path("type").asText()).isEqualTo("json_object");
            assertThat(seen.body().has("top_p")).isFalse(); // unset options are left to the endpoint
        }
    }

    @Test
    void mistralSpellsTheSeedRandomSeedAndTakesTheKeyFromTheEnvironment() throws Exception {
        try (LocalChatEndpoint server = new LocalChatEndpoint(b -> LocalChatEndpoint.Answer.text("ok"))) {
            Provider p = Providers.create(new ProviderSpec("mistral:mistral-small-latest", "m",
                    Map.of("apiBaseUrl", server.baseUrl(), "seed", 11L), "s.yaml", 3), Path.of("."),
                    k -> k.equals("MISTRAL_API_KEY") ? "mk" : null);
            assertThat(p.complete(HELLO).output()).isEqualTo("ok");
            LocalChatEndpoint.Seen seen = server.requests().getFirst();
            assertThat(seen.body().path("random_seed").asInt()).isEqualTo(11);
            assertThat(seen.body().has("seed")).isFalse();
            assertThat(seen.authorization()).isEqualTo("Bearer mk");
        }
    }

    @Test
    void httpErrorsBecomeProviderErrorsWithTheEndpointsMessage() throws Exception {
        try (LocalChatEndpoint server = new LocalChatEndpoint(b -> new LocalChatEndpoint.Answer("model not found", null, 404))) {
            Provider p = Providers.create(new ProviderSpec("openai:nope", "x", Map.of("apiBaseUrl", server.baseUrl()),
                    "s.yaml", 1), Path.of("."), k -> null);
            ProviderResponse r = p.complete(HELLO);
            assertThat(r.output()).isNull();
            assertThat(r.error()).startsWith("HTTP 404").contains("model not found");
        }
    }

    @Test
    void toolCallsWithoutTextBecomeTheOutput() throws Exception {
        var calls = new ObjectMapper().readTree("[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]");
        try (LocalChatEndpoint server = new LocalChatEndpoint(b -> new LocalChatEndpoint.Answer(null, calls, 200))) {
            List<Object> tools = List.of(Map.of("type", "function", "function", Map.of("name", "f")));
            Provider p = Providers.create(new ProviderSpec("openai:chat:m", "x",
                    Map.of("apiBaseUrl", server.baseUrl(), "tools", tools), "s.yaml", 1), Path.of("."), k -> null);
            ProviderResponse r = p.complete(HELLO);
            assertThat(r.toolCalls()).isEqualTo(calls);
            assertThat(new ObjectMapper().readTree(r.output())).isEqualTo(calls);
            assertThat(server.requests().getFirst().body().path("tools").get(0).path("function").path("name").asText())
                    .isEqualTo("f");
            assertThat(p.tools()).isEqualTo(tools);
        }
    }

    @Test
    void unreachableEndpointIsAProviderErrorNotACrash() {
        Provider p = Providers.create(new ProviderSpec("openai:chat:m", "x", Map.of("apiBaseUrl", "http://127.0.0.1:1/v1"),
                "s.yaml", 1), Path.of("."), k -> null);
        ProviderResponse r = p.complete(HELLO);
        assertThat(r.error()).contains("127.0.0.1:1");
    }
}
