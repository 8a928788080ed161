package dev.sirocco.evals.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code openai:embedding:MODEL}: POST {@code {apiBaseUrl}/embeddings} with all texts in one request. */
public final class OpenAiEmbeddings implements Embedder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String model;
    private final URI endpoint;
    private final String apiKey;
    private final Duration timeout;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public OpenAiEmbeddings(String model, String apiBaseUrl, String apiKey, Duration timeout) {
        String base = apiBaseUrl.endsWith("/") ? apiBaseUrl.substring(0, apiBaseUrl.length() - 1) : apiBaseUrl;
        this.model = model;
        this.endpoint = URI.create(base + "/embeddings");
        this.apiKey = apiKey;
        this.timeout = timeout;
    }

    @Override
    public List<double[]> embed(List<String> texts) {
        ObjectNode body = JSON.createObjectNode().put("model", model);
        texts.forEach(body.putArray("input")::add);
        try {
            HttpRequest.Builder req = HttpRequest.newBuilder(endpoint).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            if (apiKey != null && !apiKey.isEmpty()) {
                req.header("Authorization", "Bearer " + apiKey);
            }
            HttpResponse<String> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() / 100 != 2) {
                throw new IOException("HTTP " + resp.statusCode() + " from " + endpoint);
            }
            JsonNode data = JSON.readTree(resp.body()).path("data");
            if (!data.isArray() || data.size() != texts.size()) {
                throw new IOException(endpoint + " returned " + data.size() + " embeddings for " + texts.size() + " texts");
            }
            double[][] out = new double[texts.size()][];
            for (JsonNode d : data) {
                int index = d.path("index").asInt(-1);
                JsonNode e = d.path("embedding");
                if (index < 0 || index >= out.length || !e.isArray()) {
                    throw new IOException(endpoint + " returned a malformed embedding");
                }
                double[] v = new double[e.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = e.get(i).asDouble();
                }
                out[index] = v;
            }
            return new ArrayList<>(List.of(out));
        } catch (IOException e) {
            throw new UncheckedIOException("embedding request failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted"));
        }
    }
}
