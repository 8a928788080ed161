package dev.sirocco.evals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A small OpenAI-compatible {@code POST /v1/chat/completions} on a loopback port for tests, answering from a
 * function of the request (deterministic test logic or a real in-process model). It records every request,
 * its Authorization header and the most requests it saw in flight at once.
 */
public final class LocalChatEndpoint implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The answer to a request: a message's content, optional tool calls, or an HTTP error. */
    public record Answer(String content, JsonNode toolCalls, int status) {
        public static Answer text(String content) {
            return new Answer(content, null, 200);
        }
    }

    public record Seen(JsonNode body, String authorization) {
    }

    private final HttpServer server;
    private final List<Seen> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    public LocalChatEndpoint(Function<JsonNode, Answer> answer) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/chat/completions", ex -> handle(ex, answer));
        server.createContext("/v1/embeddings", this::embeddings);
        server.start();
    }

    /**
     * {@code POST /v1/embeddings} with a deterministic toy embedding: the counts of the letters a-z in the
     * lower-cased text, so cosine similarities can be worked out by hand in tests.
     */
    private void embeddings(HttpExchange ex) throws IOException {
        try (ex) {
            JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
            requests.add(new Seen(body, ex.getRequestHeaders().getFirst("Authorization")));
            ObjectNode resp = JSON.createObjectNode().put("object", "list");
            var data = resp.putArray("data");
            for (int i = 0; i < body.path("input").size(); i++) {
                var vec = data.addObject().put("object", "embedding").put("index", i).putArray("embedding");
                for (double v : letterCounts(body.path("input").get(i).asText())) {
                    vec.add(v);
                }
            }
            byte[] bytes = JSON.writeValueAsBytes(resp);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    public static double[] letterCounts(String text) {
        double[] v = new double[26];
        for (char c : text.toLowerCase(java.util.Locale.ROOT).toCharArray()) {
            if (c >= 'a' && c <= 'z') {
                v[c - 'a']++;
            }
        }
        return v;
    }

    private void handle(HttpExchange ex, Function<JsonNode, Answer> answer) throws IOException {
        try (ex) {
            JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
            requests.add(new Seen(body, ex.getRequestHeaders().getFirst("Authorization")));
            // counted while answering only: once the reply is on its way the client may already send the next request
            Answer a;
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                a = answer.apply(body);
            } finally {
                inFlight.decrementAndGet();
            }
            ObjectNode resp = JSON.createObjectNode();
            if (a.status() != 200) {
                resp.putObject("error").put("message", a.content()).put("type", "invalid_request_error");
            } else {
                resp.put("id", "chatcmpl-1").put("object", "chat.completion").put("model", body.path("model").asText());
                ObjectNode msg = resp.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop")
                        .putObject("message").put("role", "assistant");
                if (a.content() == null) {
                    msg.putNull("content");
                } else {
                    msg.put("content", a.content());
                }
                if (a.toolCalls() != null) {
                    msg.set("tool_calls", a.toolCalls());
                }
            }
            byte[] bytes = JSON.writeValueAsBytes(resp);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(a.status(), bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** The base URL to put in a suite's {@code config.apiBaseUrl}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public List<Seen> requests() {
        return requests;
    }

    public int maxInFlight() {
        return maxInFlight.get();
    }

    /** The last user message of a request: what the deterministic answerers look at. */
    public static String lastUserMessage(JsonNode body) {
        JsonNode msgs = body.path("messages");
        for (int i = msgs.size() - 1; i >= 0; i--) {
            if ("user".equals(msgs.get(i).path("role").asText())) {
                return msgs.get(i).path("content").asText();
            }
        }
        return "";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
