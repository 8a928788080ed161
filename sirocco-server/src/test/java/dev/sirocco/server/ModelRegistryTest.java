package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Models served on demand: loaded on first use, within a memory budget, never unloaded under a request, unloaded when idle. */
class ModelRegistryTest {
    @TempDir
    Path dir;

    private List<ModelSource> sources(String... ids) throws Exception {
        EngineOptions options = EngineOptions.defaults().withThreads(1).withContextSize(64);
        return java.util.Arrays.stream(ids).map(id -> {
            try {
                Path file = RandomModels.write(ModelSpec.tinyLlama(), dir.resolve(id + ".gguf"));
                return new ModelSource(id, file, options, 1, 4);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }).toList();
    }

    private static ServedModel acquireNow(ModelRegistry registry, String id) throws Exception {
        return registry.withLeases(() -> registry.acquire(id));
    }

    private static List<String> loadedIds(ModelRegistry registry) {
        return registry.loaded().stream().map(ServedModel::id).toList();
    }

    @Test
    void aCatalogModelIsListedBeforeItLoadsAndLoadsOnItsFirstRequest() throws Exception {
        List<ModelSource> catalog = sources("alpha", "beta");
        try (ModelRegistry registry = new ModelRegistry(List.of(), () -> catalog, Long.MAX_VALUE, Duration.ZERO);
             ApiServer server = ApiServer.start(ServerOptions.loopback(0), registry)) {
            var client = java.net.http.HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port();
            String models = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/v1/models")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            JsonNode list = TestServer.JSON.readTree(models);
            assertThat(list.get("data")).extracting(m -> m.get("id").asText()).containsExactly("alpha", "beta");
            assertThat(list.get("data").get(0).get("max_context_length").asInt()).isEqualTo(64);
            assertThat(loadedIds(registry)).as("listing loads nothing").isEmpty();

            var chat = java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"beta\",\"max_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build();
            var reply = client.send(chat, java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
            assertThat(TestServer.JSON.readTree(reply.body()).get("model").asText()).isEqualTo("beta");
            assertThat(loadedIds(registry)).containsExactly("beta");
        }
    }

    @Test
    void anUnknownIdIsA404NamingIt() throws Exception {
        List<ModelSource> catalog = sources("alpha");
        try (ModelRegistry registry = new ModelRegistry(List.of(), () -> catalog, Long.MAX_VALUE, Duration.ZERO)) {
            assertThatThrownBy(() -> acquireNow(registry, "gamma"))
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(404))
                    .hasMessageContaining("'gamma'");
        }
    }

    @Test
    void loadingAModelThatDoesNotFitUnloadsTheLeastRecentlyUsedIdleOne() throws Exception {
        List<ModelSource> catalog = sources("alpha", "beta", "gamma");
        long one = ModelRegistry.estimateBytes(catalog.getFirst());
        try (ModelRegistry registry = new ModelRegistry(List.of(), () -> catalog, 2 * one + one / 2, Duration.ZERO)) {
            acquireNow(registry, "alpha");
            acquireNow(registry, "beta");
            acquireNow(registry, "alpha"); // beta is now the least recently used
            assertThat(loadedIds(registry)).containsExactlyInAnyOrder("alpha", "beta");
            acquireNow(registry, "gamma");
            assertThat(loadedIds(registry)).containsExactlyInAnyOrder("alpha", "gamma");
        }
    }

    @Test
    void aModelInUseIsNeverUnloadedAndTheNewcomerGetsA503WithRetryAfter() throws Exception {
        List<ModelSource> catalog = sources("alpha", "beta");
        long one = ModelRegistry.estimateBytes(catalog.getFirst());
        try (ModelRegistry registry = new ModelRegistry(List.of(), () -> catalog, one + one / 2, Duration.ZERO)) {
            registry.withLeases(() -> {
                ServedModel alpha = registry.acquire("alpha");
                // Another request, on another thread, wants beta while alpha is held here.
                CompletableFuture<Throwable> other = CompletableFuture.supplyAsync(() -> {
                    try {
                        acquireNow(registry, "beta");
                        return null;
                    } catch (Throwable t) {
                        return t;
                    }
                });
                assertThat(other.get()).isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.retryAfterSeconds()).isPositive();
                    assertThat(e.getMessage()).contains("'beta'", "alpha");
                });
                assertThat(alpha.engine().newSession()).as("alpha still works").isNotNull();
                return null;
            });
            acquireNow(registry, "beta"); // alpha is released: now it can make room
            assertThat(loadedIds(registry)).containsExactly("beta");
        }
    }

    @Test
    void aFineTuneRunsOnItsBaseHoldsItWhileInUseAndGoesWithIt() throws Exception {
        List<ModelSource> bases = sources("alpha", "beta");
        Path lora = new dev.sirocco.testkit.RandomLora(ModelSpec.tinyLlama(), List.of("attn_q", "ffn_down"), 2, 4f, 7)
                .write(dir.resolve("ft.gguf"));
        List<ModelSource> catalog = new java.util.ArrayList<>(bases);
        catalog.add(ModelSource.adapterOf("alpha-ft", bases.getFirst(),
                List.of(new dev.sirocco.engine.runtime.AppliedLora(lora, 1f))));
        long one = ModelRegistry.estimateBytes(bases.getFirst());
        try (ModelRegistry registry = new ModelRegistry(List.of(), () -> catalog, one + one / 2, Duration.ZERO)) {
            registry.withLeases(() -> {
                ServedModel tuned = registry.acquire("alpha-ft"); // loads alpha: the fine-tune has no engine of its own
                assertThat(loadedIds(registry)).containsExactly("alpha", "alpha-ft");
                ServedModel alpha = registry.acquire("alpha");
                assertThat(tuned.scheduler()).isSameAs(alpha.scheduler());
                assertThat(registry.acquire("alpha-ft")).isSameAs(tuned);
                return null;
            });
            registry.withLeases(() -> {
                registry.acquire("alpha-ft");
                // held through its fine-tune, alpha cannot make room for beta
                CompletableFuture<Throwable> other = CompletableFuture.supplyAsync(() -> {
                    try {
                        acquireNow(registry, "beta");
                        return null;
                    } catch (Throwable t) {
                        return t;
                    }
                });
                assertThat(other.get()).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(503));
                return null;
            });
            acquireNow(registry, "beta"); // alpha is idle now: unloaded, and its fine-tune with it
            assertThat(loadedIds(registry)).containsExactly("beta");
            ServedModel again = acquireNow(registry, "alpha-ft"); // alpha loads again, the fine-tune on its new engine
            assertThat(loadedIds(registry)).containsExactly("alpha", "alpha-ft");
            assertThat(again.engine()).isSameAs(acquireNow(registry, "alpha").engine());
        }
    }

    @Test
    @Timeout(60)
    void anIdleModelIsUnloadedAfterTheKeepAlive() throws Exception {
        List<ModelSource> catalog = sources("alpha");
        try (ModelRegistry registry = new ModelRegistry(List.of(), () -> catalog, Long.MAX_VALUE, Duration.ofMillis(200))) {
            acquireNow(registry, "alpha");
            assertThat(loadedIds(registry)).containsExactly("alpha");
            while (!registry.loaded().isEmpty()) {
                Thread.sleep(50); // the reaper runs every 50 ms here; the test timeout guards a reaper that never does
            }
            acquireNow(registry, "alpha"); // and it loads again on the next request
            assertThat(loadedIds(registry)).containsExactly("alpha");
        }
    }

    @Test
    void pinnedModelsStayLoadedAndAreNotClosedByTheRegistry() throws Exception {
        ModelSource source = sources("alpha").getFirst();
        try (ServedModel pinned = ServedModel.load(source.id(), source.file(), source.options(), 1, 4)) {
            try (ModelRegistry registry = new ModelRegistry(List.of(pinned), List::of, 0, Duration.ofMillis(10))) {
                Thread.sleep(100);
                assertThat(acquireNow(registry, "alpha")).isSameAs(pinned);
            }
            assertThat(pinned.engine().newSession()).as("still usable after the registry closed").isNotNull();
        }
    }
}
