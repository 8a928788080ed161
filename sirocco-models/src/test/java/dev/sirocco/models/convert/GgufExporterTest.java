package dev.sirocco.models.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.gguf.GgufTensorInfo;
import dev.sirocco.models.ModelRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * GGUF files converted from generated checkpoints, exported to safetensors and converted back, give the same file:
 * every tensor byte for byte under the same name, type and shape, and every metadata key the same but
 * general.name (the directory's name). Covers F32, BF16 and F16 weights; the byte-level BPE (Llama 3, Qwen 3) and
 * SentencePiece (Gemma 3, Mistral) vocabularies; Q/K permutation, Qwen 2's biases, Gemma's norm shift and Mixtral's experts. Where
 * the conversion was exact (F32 from F32/F16/BF16 sources) the exported tensors are also the original checkpoint's.
 */
class GgufExporterTest {
    @TempDir
    static Path tmp;

    private static final CheckpointConverter.Progress QUIET = (i, n, name, t) -> { };

    @Test
    void llama3F32RoundTripsAndExportsTheOriginalCheckpointsTensors() throws Exception {
        CheckpointFixture fixture = new CheckpointFixture(CheckpointFixture.Family.LLAMA3);
        Path exported = assertRoundTrip(fixture, ConvertType.F32, "llama3");
        try (SafetensorsFile st = SafetensorsFile.open(exported.resolve("model.safetensors"))) {
            Map<String, SafetensorsTensor> tensors = st.tensors();
            assertThat(tensors.keySet()).containsExactlyInAnyOrderElementsOf(fixture.values.keySet());
            for (Map.Entry<String, float[]> e : fixture.values.entrySet()) {
                SafetensorsTensor t = tensors.get(e.getKey());
                assertThat(t.dtype()).isEqualTo(SafetensorsDtype.F32);
                float[] v = new float[(int) t.elementCount()];
                t.dtype().read(t.data(), 0, v, 0, v.length);
                assertSameValues(e.getKey() + " (Q/K rows permuted back)", v, e.getValue());
            }
        }
        JsonNode config = new ObjectMapper().readTree(exported.resolve("config.json").toFile());
        assertThat(config.path("architectures").path(0).asText()).isEqualTo("LlamaForCausalLM");
        assertThat(config.path("rope_theta").asDouble()).isEqualTo(500000.0);
        assertThat(config.path("rms_norm_eps").asDouble()).isEqualTo(1e-6);
        assertThat(config.path("bos_token_id").asInt()).isEqualTo(128000);
    }

    @Test
    void llama3RopeScalingRoundTripsAndUnrecoverableFactorsAreRefused() throws Exception {
        CheckpointFixture fixture = new CheckpointFixture(CheckpointFixture.Family.LLAMA3);
        Path dir = fixture.write(tmp.resolve("rope-ckpt"), 12);
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(dir.resolve("config.json").toFile());
        // Llama 3.2's
        config.putObject("rope_scaling").put("rope_type", "llama3").put("factor", 32.0).put("low_freq_factor", 1.0)
                .put("high_freq_factor", 4.0).put("original_max_position_embeddings", 8192);
        json.writeValue(dir.resolve("config.json").toFile(), config);
        Path exported = assertRoundTrip(dir, ConvertType.F16, "rope");
        assertThat(json.readTree(exported.resolve("config.json").toFile()).path("rope_scaling").path("factor").asDouble()).isEqualTo(32.0);

        ((ObjectNode) config.get("rope_scaling")).put("high_freq_factor", 2.0).put("original_max_position_embeddings", 4096);
        json.writeValue(dir.resolve("config.json").toFile(), config);
        Path odd = tmp.resolve("odd-rope.gguf");
        CheckpointConverter.convert(dir, odd, ConvertType.F16, 1, QUIET);
        assertThatThrownBy(() -> GgufExporter.export(odd, tmp.resolve("odd-exported"), null, QUIET))
                .isInstanceOf(ModelRequestException.class)
                .hasMessageContaining("its rope_scaling cannot be recovered, so it is not exported");
    }

    @Test
    void qwen3Bf16RoundTripsWithTiedEmbeddingsAndPaddedVocabulary() throws Exception {
        assertRoundTrip(new CheckpointFixture(CheckpointFixture.Family.QWEN3), ConvertType.BF16, "qwen3");
    }

    @Test
    void qwen2F16RoundTripsWithQkvBiases() throws Exception {
        Path exported = assertRoundTrip(new CheckpointFixture(CheckpointFixture.Family.QWEN2), ConvertType.F16, "qwen2");
        try (SafetensorsFile st = SafetensorsFile.open(exported.resolve("model.safetensors"))) {
            assertThat(st.tensors().get("model.layers.0.self_attn.v_proj.bias").dtype()).as("kept F32").isEqualTo(SafetensorsDtype.F32);
        }
    }

    @Test
    void gemma3F16RoundTripsThroughASentencePieceModelAndShiftedNorms() throws Exception {
        Path exported = assertRoundTrip(new CheckpointFixture(CheckpointFixture.Family.GEMMA3), ConvertType.F16, "gemma3");
        assertThat(exported.resolve("tokenizer.model")).exists();
        assertThat(exported.resolve("tokenizer.json")).doesNotExist();
        JsonNode config = new ObjectMapper().readTree(exported.resolve("config.json").toFile());
        assertThat(config.path("architectures").path(0).asText()).isEqualTo("Gemma3ForCausalLM");
        assertThat(config.path("sliding_window").asInt()).isEqualTo(CheckpointFixture.GEMMA_WINDOW);
    }

    @Test
    void mixtralF32RoundTripsAndUnstacksTheOriginalExperts() throws Exception {
        CheckpointFixture fixture = new CheckpointFixture(CheckpointFixture.Family.MIXTRAL);
        Path exported = assertRoundTrip(fixture, ConvertType.F32, "mixtral");
        try (SafetensorsFile st = SafetensorsFile.open(exported.resolve("model.safetensors"))) {
            for (String name : new String[] {"model.layers.1.block_sparse_moe.experts.3.w2.weight",
                    "model.layers.0.block_sparse_moe.gate.weight", "model.layers.1.self_attn.k_proj.weight"}) {
                SafetensorsTensor t = st.tensors().get(name);
                float[] v = new float[(int) t.elementCount()];
                t.dtype().read(t.data(), 0, v, 0, v.length);
                assertSameValues(name, v, fixture.values.get(name));
            }
        }
        JsonNode config = new ObjectMapper().readTree(exported.resolve("config.json").toFile());
        assertThat(config.path("architectures").path(0).asText()).isEqualTo("MixtralForCausalLM");
        assertThat(config.path("num_local_experts").asInt()).isEqualTo(CheckpointFixture.EXPERTS);
    }

    @Test
    void exportingOverAFileIsRefused() throws Exception {
        CheckpointFixture fixture = new CheckpointFixture(CheckpointFixture.Family.LLAMA2);
        Path gguf = tmp.resolve("refused.gguf");
        CheckpointConverter.convert(fixture.write(tmp.resolve("refused-ckpt"), 7), gguf, ConvertType.F16, 1, QUIET);
        assertThatThrownBy(() -> GgufExporter.export(gguf, gguf, null, QUIET))
                .isInstanceOf(ModelRequestException.class)
                .hasMessageContaining("is a file; exporting to safetensors writes a directory");
    }

    /** Bit-exact equality, reporting the first difference (AssertJ's diff of large arrays is quadratic). */
    private static void assertSameValues(String what, float[] actual, float[] expected) {
        assertThat(actual.length).as(what + " length").isEqualTo(expected.length);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[i])) {
                throw new AssertionError(what + " element " + i + ": " + actual[i] + " != " + expected[i]);
            }
        }
    }

    /** Checkpoint -> GGUF -> safetensors -> GGUF; the two GGUF files must agree. Returns the exported directory. */
    private static Path assertRoundTrip(CheckpointFixture fixture, ConvertType type, String label) throws Exception {
        return assertRoundTrip(fixture.write(tmp.resolve(label + "-ckpt"), 11), type, label);
    }

    private static Path assertRoundTrip(Path ckpt, ConvertType type, String label) throws Exception {
        Path first = tmp.resolve(label + "-1.gguf");
        CheckpointConverter.convert(ckpt, first, type, 1, QUIET);
        Path exported = tmp.resolve(label + "-exported");
        GgufExporter.export(first, exported, null, QUIET);
        Path second = tmp.resolve(label + "-2.gguf");
        CheckpointConverter.convert(exported, second, type, 1, QUIET);
        try (GgufFile a = GgufFile.open(first); GgufFile b = GgufFile.open(second)) {
            assertThat(b.tensorInfos().stream().map(GgufTensorInfo::name).toList())
                    .containsExactlyElementsOf(a.tensorInfos().stream().map(GgufTensorInfo::name).toList());
            for (GgufTensorInfo t : a.tensorInfos()) {
                var x = a.tensor(t.name());
                var y = b.tensor(t.name());
                assertThat(y.type()).as(t.name()).isEqualTo(x.type());
                assertThat(y.shape()).as(t.name()).containsExactly(x.shape());
                assertThat(x.data().mismatch(y.data())).as(t.name() + ": first differing byte").isEqualTo(-1L);
            }
            TreeSet<String> keys = new TreeSet<>(a.metadata().keys());
            keys.remove("general.name");
            TreeSet<String> keysB = new TreeSet<>(b.metadata().keys());
            keysB.remove("general.name");
            assertThat(keysB).containsExactlyElementsOf(keys);
            for (String k : keys) {
                assertThat(b.metadata().typeOf(k)).as(k).isEqualTo(a.metadata().typeOf(k));
                assertThat(b.metadata().get(k)).as(k).isEqualTo(a.metadata().get(k));
            }
        }
        return exported;
    }
}
