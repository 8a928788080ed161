package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A real server on a free loopback port over tiny random-weight models, and an HTTP client to drive it. */
final class TestServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final ApiServer server;
    final List<ServedModel> models;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final String base;

    record Reply(int status, String body, HttpResponse<String> raw) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    private TestServer(ServerOptions options, List<ServedModel> models) throws IOException {
        this(options, models, null);
    }

    private TestServer(ServerOptions options, List<ServedModel> models, dev.sirocco.server.store.Database database) throws IOException {
        this.models = models;
        this.server = database == null ? ApiServer.start(options, models) : ApiServer.start(options, models, database);
        this.base = "http://127.0.0.1:" + server.port();
    }

    /**
     * Serves "tiny" (context 256) and "small" (context 32, to fill quickly), each with a queue of {@code queue}.
     */
    static TestServer start(Path dir, ServerOptions options, int queue) throws IOException {
        return start(dir, options, queue, null);
    }

    /** As {@link #start(Path, ServerOptions, int)}, keeping keys and usage in {@code database}. */
    static TestServer start(Path dir, ServerOptions options, int queue, dev.sirocco.server.store.Database database) throws IOException {
        Path tiny = RandomModels.write(ModelSpec.tinyLlama(), dir.resolve("tiny.gguf"));
        Path small = RandomModels.write(ModelSpec.tinyLlama(), dir.resolve("small.gguf"));
        EngineOptions engine = EngineOptions.defaults().withThreads(1);
        List<ServedModel> models = new ArrayList<>();
        models.add(ServedModel.load(tiny, engine.withContextSize(256), queue));
        models.add(ServedModel.load(small, engine.withContextSize(32), queue));
        return new TestServer(options, models, database);
    }

    /**
     * Serves "tiny" (context 256) with Q8_0 weights and {@code parallel} sequences batched together: on 8-bit weights
     * a sequence's numbers do not depend on its batch neighbours, so answers can be compared with answers alone.
     */
    static TestServer startBatched(Path dir, int parallel, int queue) throws IOException {
        Path tiny = RandomModels.write(ModelSpec.tinyLlama().toBuilder().weightType(dev.sirocco.engine.tensor.GgmlType.Q8_0).build(),
                dir.resolve("tiny.gguf"));
        EngineOptions engine = EngineOptions.defaults().withThreads(1).withContextSize(256);
        return new TestServer(ServerOptions.loopback(0), List.of(ServedModel.load(tiny, engine, parallel, queue)));
    }

    /** Serves {@code models}; closing the test server closes them. */
    static TestServer of(List<ServedModel> models) throws IOException {
        return new TestServer(ServerOptions.loopback(0), models);
    }

    /** Serves {@code models} as {@code options} say; closing the test server closes them. */
    static TestServer of(List<ServedModel> models, ServerOptions options) throws IOException {
        return new TestServer(options, models);
    }

    static TestServer start(Path dir) throws IOException {
        return start(dir, ServerOptions.loopback(0), 8);
    }

    ServedModel model(String id) {
        return models.stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow();
    }

    Reply get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b.build());
    }

    Reply post(String path, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b.build());
    }

    Reply post(String path, JsonNode body, String... headers) throws IOException, InterruptedException {
        return post(path, JSON.writeValueAsString(body), headers);
    }

    Reply send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Reply(r.statusCode(), r.body(), r);
    }

    /** The JSON payloads of an SSE body, in order, without the final {@code [DONE]} (asserted present). */
    static List<JsonNode> events(String sse) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        String[] blocks = sse.split("\n\n", -1);
        boolean done = false;
        for (String block : blocks) {
            if (block.isEmpty()) {
                continue;
            }
            if (!block.startsWith("data: ")) {
                throw new AssertionError("not an SSE data event: " + block);
            }
            String data = block.substring("data: ".length());
            if (data.equals("[DONE]")) {
                done = true;
                continue;
            }
            if (done) {
                throw new AssertionError("an event after [DONE]: " + data);
            }
            out.add(JSON.readTree(data));
        }
        if (!done) {
            throw new AssertionError("the stream did not end with data: [DONE]: " + sse);
        }
        return out;
    }

    @Override
    public void close() {
        server.close();
        models.forEach(ServedModel::close);
    }
}
