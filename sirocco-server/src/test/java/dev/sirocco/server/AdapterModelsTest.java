package dev.sirocco.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.engine.model.AdapterSet;
import dev.sirocco.engine.runtime.AppliedLora;
import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.engine.runtime.GenerationRequest;
import dev.sirocco.engine.runtime.GenerationResult;
import dev.sirocco.engine.runtime.Generator;
import dev.sirocco.engine.runtime.TokenListener;
import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.testkit.ModelSpec;
import dev.sirocco.testkit.RandomLora;
import dev.sirocco.testkit.RandomModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A LoRA fine-tune served beside its base under its own id: same engine, same batches, its own answers and embeddings. */
class AdapterModelsTest {
    @TempDir
    static Path dir;
    static TestServer server;
    static AppliedLora lora;
    static final EngineOptions OPTIONS = EngineOptions.defaults().withThreads(1).withContextSize(256);

    @BeforeAll
    static void start() throws Exception {
        ModelSpec spec = ModelSpec.tinyLlama().toBuilder().weightType(GgmlType.Q8_0).build();
        Path tiny = RandomModels.write(spec, dir.resolve("tiny.gguf"));
        lora = new AppliedLora(new RandomLora(spec, List.of("attn_q", "attn_v", "ffn_down"), 4, 8f, 5).write(dir.resolve("ft.gguf")), 1f);
        ServedModel base = ServedModel.load(tiny, OPTIONS, 3, 8);
        List<ServedModel> models = new ArrayList<>(List.of(base, base.withAdapters("tiny-ft", List.of(lora))));
        server = TestServer.of(models);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String complete(String model) throws Exception {
        ObjectNode body = TestServer.JSON.createObjectNode();
        body.put("model", model).put("prompt", "the people").put("max_tokens", 8).put("temperature", 0);
        TestServer.Reply r = server.post("/v1/completions", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("model").asText()).isEqualTo(model);
        return r.json().get("choices").get(0).get("text").asText();
    }

    @Test
    void theFineTuneAnswersAsTheEngineWithItsAdapterAndTheBaseAsItself() throws Exception {
        ServedModel base = server.model("tiny");
        int[] prompt = base.engine().tokenizer().encode("the people", true, true);
        AdapterSet set = base.engine().loadAdapters(List.of(lora));
        GenerationResult tuned = Generator.generate(base.engine().newSession(set), base.engine().tokenizer(), prompt,
                GenerationRequest.greedy(8), TokenListener.NONE);
        GenerationResult plain = Generator.generate(base.engine().newSession(), base.engine().tokenizer(), prompt,
                GenerationRequest.greedy(8), TokenListener.NONE);
        assertThat(tuned.tokens()).isNotEqualTo(plain.tokens());
        assertThat(complete("tiny-ft")).isEqualTo(tuned.text());
        assertThat(complete("tiny")).isEqualTo(plain.text());
    }

    @Test
    void modelsListTheFineTuneAndItsEmbeddingsAreTheEngineWithItsAdapter() throws Exception {
        JsonNode list = server.get("/v1/models").json();
        List<String> ids = new ArrayList<>();
        list.get("data").forEach(m -> ids.add(m.get("id").asText()));
        assertThat(ids).contains("tiny", "tiny-ft");
        float[] expected;
        float[] plain;
        try (Engine own = Engine.load(dir.resolve("tiny.gguf"), OPTIONS.withLora(lora))) {
            int[] hello = own.tokenizer().encode("hello", true, true);
            expected = own.newSession().embed(hello, own.pooling());
            plain = server.model("tiny").engine().newSession().embed(hello, own.pooling());
        }
        assertThat(expected).isNotEqualTo(plain);
        for (String[] m : new String[][]{{"tiny-ft", "tuned"}, {"tiny", "base"}}) {
            ObjectNode body = TestServer.JSON.createObjectNode();
            body.put("model", m[0]).put("input", "hello");
            TestServer.Reply r = server.post("/v1/embeddings", body);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode got = r.json().get("data").get(0).get("embedding");
            float[] actual = new float[got.size()];
            for (int i = 0; i < actual.length; i++) {
                actual[i] = got.get(i).floatValue();
            }
            assertThat(actual).as(m[1]).containsExactly(m[1].equals("tuned") ? expected : plain);
        }
    }
}
