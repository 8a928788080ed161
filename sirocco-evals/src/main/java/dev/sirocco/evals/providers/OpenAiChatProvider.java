package dev.sirocco.evals.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code openai:chat:MODEL} and {@code mistral:MODEL}: POST {@code {apiBaseUrl}/chat/completions} with the JDK's
 * HTTP client. The two APIs share the wire format except for the seed's name ({@code seed} vs {@code random_seed}).
 * Only options the suite sets are sent, so the endpoint's own defaults apply otherwise.
 */
public final class OpenAiChatProvider implements Provider {
    /** Which API's spelling to use. */
    public enum Dialect { OPENAI, MISTRAL }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PASSED_THROUGH = List.of("temperature", "max_tokens", "top_p", "stop", "tools",
            "tool_choice", "response_format", "frequency_penalty", "presence_penalty", "safe_prompt", "logprobs");

    private final Dialect dialect;
    private final String label;
    private final String model;
    private final URI endpoint;
    private final String apiKey;
    private final Map<String, Object> config;
    private final HttpClient http;
    private final Duration timeout;

    public OpenAiChatProvider(Dialect dialect, String label, String model, String apiBaseUrl, String apiKey,
                              Map<String, Object> config, Duration timeout) {
        this.dialect = dialect;
        this.label = label;
        this.model = model;
        String base = apiBaseUrl.endsWith("/") ? apiBaseUrl.substring(0, apiBaseUrl.length() - 1) : apiBaseUrl;
        this.endpoint = URI.create(base + "/chat/completions");
        this.apiKey = apiKey;
        this.config = config;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public List<Object> tools() {
        return config.get("tools") instanceof List<?> l ? new ArrayList<>(l) : List.of();
    }

    /** The request body; also the cache key's content (the key and URL are added, the API key is not). */
    ObjectNode body(List<Message> messages) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        ArrayNode msgs = body.putArray("messages");
        for (Message m : messages) {
            msgs.addObject().put("role", m.role()).put("content", m.content());
        }
        for (String key : PASSED_THROUGH) {
            if (config.containsKey(key)) {
                body.set(key, JSON.valueToTree(config.get(key)));
            }
        }
        Object seed = config.containsKey("seed") ? config.get("seed") : config.get("random_seed");
        if (seed != null) {
            body.set(dialect == Dialect.MISTRAL ? "random_seed" : "seed", JSON.valueToTree(seed));
        }
        return body;
    }

    @Override
    public ObjectNode describe(List<Message> messages) {
        ObjectNode d = JSON.createObjectNode();
        d.put("url", endpoint.toString());
        d.set("body", body(messages));
        return d;
    }

    @Override
    public ProviderResponse complete(List<Message> messages) {
        long start = System.nanoTime();
        try {
            HttpRequest.Builder req = HttpRequest.newBuilder(endpoint)
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body(messages))));
            if (apiKey != null && !apiKey.isEmpty()) {
                req.header("Authorization", "Bearer " + apiKey);
            }
            HttpResponse<String> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
            long ms = (System.nanoTime() - start) / 1_000_000;
            if (resp.statusCode() / 100 != 2) {
                return ProviderResponse.failure("HTTP " + resp.statusCode() + " from " + endpoint + ": "
                        + errorMessage(resp.body()), ms);
            }
            JsonNode root = JSON.readTree(resp.body());
            JsonNode message = root.path("choices").path(0).path("message");
            if (message.isMissingNode()) {
                return ProviderResponse.failure("the answer from " + endpoint + " has no choices[0].message", ms);
            }
            JsonNode toolCalls = message.path("tool_calls");
            boolean hasCalls = toolCalls.isArray() && !toolCalls.isEmpty();
            String content = message.path("content").isTextual() ? message.get("content").asText() : null;
            String output = content != null && !content.isEmpty() ? content
                    : hasCalls ? JSON.writeValueAsString(toolCalls) : "";
            return new ProviderResponse(output, hasCalls ? toolCalls : null, logprobs(root), null, ms, false);
        } catch (IOException e) {
            return ProviderResponse.failure("request to " + endpoint + " failed: " + e, (System.nanoTime() - start) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ProviderResponse.failure("interrupted", (System.nanoTime() - start) / 1_000_000);
        }
    }

    /** {@code choices[0].logprobs.content[].logprob} as OpenAI (and our server) return them, or null. */
    private static List<Double> logprobs(JsonNode root) {
        JsonNode content = root.path("choices").path(0).path("logprobs").path("content");
        if (!content.isArray()) {
            return null;
        }
        List<Double> out = new ArrayList<>();
        for (JsonNode t : content) {
            out.add(t.path("logprob").asDouble());
        }
        return out;
    }

    private static String errorMessage(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n.path("error").path("message").isTextual()) {
                return n.path("error").path("message").asText();
            }
        } catch (IOException ignored) {
            // not JSON: show the start of the body
        }
        return body.length() > 200 ? body.substring(0, 200) + "..." : body;
    }
}
