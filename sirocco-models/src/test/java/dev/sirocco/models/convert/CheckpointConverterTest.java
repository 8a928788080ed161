package dev.sirocco.models.convert;

import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.model.KvCache;
import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.engine.tensor.Tensor;
import dev.sirocco.engine.tensor.quant.Dequantizer;
import dev.sirocco.models.ModelRequestException;
import dev.sirocco.testkit.LlamaCppOracle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Generated Llama 3 and Qwen 3 checkpoints (random weights, the real tokenizers) converted to GGUF: the tensors are
 * the checkpoint's (llama's Q/K rows permuted as numpy's reshape/swapaxes would), the tokenizer metadata is
 * llama.cpp's, and llama.cpp and our engine load the F16 files, tokenize alike and agree on the logits (within 1e-3 of the largest, the tolerance
 * of EngineMatchesLlamaCppTest for F16 weights; F32 KV cache and no flash attention on both sides).
 */
class CheckpointConverterTest {
    @TempDir
    static Path tmp;
    static CheckpointFixture fixture;
    static Path checkpoint;

    @BeforeAll
    static void writeCheckpoint() throws Exception {
        fixture = new CheckpointFixture(CheckpointFixture.Family.LLAMA3);
        checkpoint = fixture.write(tmp.resolve("tiny-llama3"), 42);
    }

    @Test
    void f32ConversionHoldsTheCheckpointsTensorsUnderLlamaCppNames() throws Exception {
        Path out = tmp.resolve("f32.gguf");
        CheckpointConverter.convert(checkpoint, out, ConvertType.F32, 1, (i, n, name, t) -> { });
        try (GgufFile f = GgufFile.open(out)) {
            assertThat(f.metadata().getString("general.architecture")).isEqualTo("llama");
            assertThat(f.metadata().getInt("llama.block_count")).isEqualTo(CheckpointFixture.LAYERS);
            assertThat(f.metadata().getInt("llama.attention.head_count_kv")).isEqualTo(CheckpointFixture.KV_HEADS);
            assertThat(f.metadata().getFloat("llama.rope.freq_base")).isEqualTo(500000f);
            assertThat(f.metadata().getString("tokenizer.ggml.model")).isEqualTo("gpt2");
            assertThat(f.metadata().getString("tokenizer.ggml.pre")).isEqualTo("llama-bpe");
            assertThat(f.metadata().getInt("tokenizer.ggml.bos_token_id")).isEqualTo(128000);
            assertThat(f.metadata().getInt("tokenizer.ggml.eos_token_id")).isEqualTo(128001);
            assertThat(f.metadata().getString("tokenizer.chat_template")).contains("<|start_header_id|>");
            assertThat(f.metadata().getStringArray("tokenizer.ggml.tokens")).hasSize(fixture.vocab);
            assertThat(f.tensorInfos()).hasSize(3 + 9 * CheckpointFixture.LAYERS);

            assertThat(f.tensor("token_embd.weight").type()).isEqualTo(GgmlType.F32);
            assertSameRows(f.tensor("token_embd.weight"), fixture.values.get("model.embed_tokens.weight"), 0);
            assertSameRows(f.tensor("output.weight"), fixture.values.get("lm_head.weight"), 0);
            assertSameRows(f.tensor("blk.1.ffn_down.weight"), fixture.values.get("model.layers.1.mlp.down_proj.weight"), 0);
            assertSameRows(f.tensor("blk.0.attn_norm.weight"), fixture.values.get("model.layers.0.input_layernorm.weight"), 0);
            assertSameRows(f.tensor("blk.0.attn_v.weight"), fixture.values.get("model.layers.0.self_attn.v_proj.weight"), 0);
            assertSameRows(f.tensor("blk.1.attn_q.weight"), fixture.values.get("model.layers.1.self_attn.q_proj.weight"), CheckpointFixture.HEADS);
            assertSameRows(f.tensor("blk.1.attn_k.weight"), fixture.values.get("model.layers.1.self_attn.k_proj.weight"), CheckpointFixture.KV_HEADS);
            assertThat(f.tensor("blk.0.attn_q.weight").shape()).containsExactly(CheckpointFixture.DIM, CheckpointFixture.DIM);
        }
    }

    /** Each GGUF row equals the HF row numpy's reshape(heads, 2, hd/2, in).swapaxes(1, 2) puts there. */
    private static void assertSameRows(Tensor t, float[] hf, int heads) {
        int rowLength = t.rowLength();
        long rows = t.rows();
        float[] row = new float[rowLength];
        for (long r = 0; r < rows; r++) {
            long src = r;
            if (heads > 0) {
                long half = rows / heads / 2;
                long h = r / (2 * half);
                long b = (r % (2 * half)) / 2;
                long a = r % 2;
                src = (h * 2 + a) * half + b;
            }
            Dequantizer.dequantize(t.type(), t.data(), r * t.rowBytes(), row, 0, rowLength);
            for (int i = 0; i < rowLength; i++) {
                if (row[i] != hf[(int) (src * rowLength + i)]) {
                    throw new AssertionError(t.name() + " row " + r + " element " + i + ": " + row[i] + " != " + hf[(int) (src * rowLength + i)]);
                }
            }
        }
    }

    @Test
    void f16ConversionLoadsInLlamaCppAndOurEngineWithTheSameLogits() throws Exception {
        Path out = tmp.resolve("f16.gguf");
        CheckpointConverter.convert(checkpoint, out, ConvertType.F16, 1, (i, n, name, t) -> { });
        int[] prompt = assertLogitsMatchLlamaCpp(out, "llama3");
        assertThat(prompt[0]).as("BOS first").isEqualTo(128000);
    }

    @Test
    void qwen3CheckpointConvertsWithQkNormsTiedEmbeddingsAndPaddedVocabulary() throws Exception {
        CheckpointFixture qwen = new CheckpointFixture(CheckpointFixture.Family.QWEN3);
        Path dir = qwen.write(tmp.resolve("tiny-qwen3"), 43);
        Path out = tmp.resolve("qwen3-f16.gguf");
        CheckpointConverter.convert(dir, out, ConvertType.F16, 1, (i, n, name, t) -> { });
        try (GgufFile f = GgufFile.open(out)) {
            assertThat(f.metadata().getString("general.architecture")).isEqualTo("qwen3");
            assertThat(f.metadata().getInt("qwen3.attention.key_length")).isEqualTo(CheckpointFixture.HEAD_DIM);
            assertThat(f.metadata().has("qwen3.vocab_size")).as("llama only").isFalse();
            assertThat(f.metadata().getString("tokenizer.ggml.pre")).isEqualTo("qwen2");
            assertThat(f.metadata().getBoolean("tokenizer.ggml.add_bos_token")).isFalse();
            assertThat(f.metadata().getInt("tokenizer.ggml.eos_token_id")).isEqualTo(151645);
            assertThat(f.metadata().getInt("tokenizer.ggml.bos_token_id")).as("from config.json").isEqualTo(151643);
            assertThat(f.metadata().getInt("tokenizer.ggml.padding_token_id")).isEqualTo(151643);
            String[] tokens = f.metadata().getStringArray("tokenizer.ggml.tokens");
            assertThat(tokens).hasSize(151936);
            assertThat(tokens[151935]).isEqualTo("[PAD151935]");
            assertThat(f.hasTensor("output.weight")).as("tied embeddings").isFalse();
            assertThat(f.tensor("blk.0.attn_q_norm.weight").shape()).containsExactly(CheckpointFixture.HEAD_DIM);
            assertThat(f.tensor("blk.0.attn_q.weight").type()).isEqualTo(GgmlType.F16);
            // Qwen checkpoints already use the rotation llama.cpp applies to them: no permutation (the source is F16,
            // so the F16 output holds exactly its values)
            assertSameRows(f.tensor("blk.1.attn_q.weight"), qwen.values.get("model.layers.1.self_attn.q_proj.weight"), 0);
            assertSameRows(f.tensor("blk.1.attn_k_norm.weight"), qwen.values.get("model.layers.1.self_attn.k_norm.weight"), 0);
        }
        assertLogitsMatchLlamaCpp(out, "qwen3");
    }

    /** Tokenizes a text with both, then compares the last logits; returns the tokens. */
    private static int[] assertLogitsMatchLlamaCpp(Path gguf, String label) throws Exception {
        LlamaCppOracle oracle = LlamaCppOracle.shared();
        String text = "The quick brown fox jumps over the lazy dog.";
        int[] prompt = oracle.tokenize(gguf, text, true, false);
        try (Engine engine = Engine.load(gguf, EngineOptions.defaults().withThreads(1).withKvType(KvCache.Type.F32))) {
            assertThat(engine.tokenizer().encode(text, true, false)).as("tokenization").containsExactly(prompt);
            float[] expected = oracle.lastLogits(gguf, prompt);
            float[] actual = engine.newSession().evaluate(prompt).clone();
            assertThat(actual).hasSameSizeAs(expected);
            double maxAbs = 0;
            double maxDiff = 0;
            for (int i = 0; i < expected.length; i++) {
                maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
                maxDiff = Math.max(maxDiff, Math.abs(expected[i] - actual[i]));
            }
            System.out.printf("converted %s F16: max|diff|/max|logit| %.2e (max|logit| %.3f)%n", label, maxDiff / maxAbs, maxAbs);
            assertThat(maxAbs).as("logits are not all zero").isGreaterThan(0.1);
            assertThat(maxDiff / maxAbs).isLessThanOrEqualTo(1e-3);
        }
        return prompt;
    }

    @Test
    void q8_0ConversionQuantizesMatricesAndKeepsNormsF32() throws Exception {
        Path out = tmp.resolve("q8.gguf");
        CheckpointConverter.convert(checkpoint, out, ConvertType.Q8_0, 1, (i, n, name, t) -> { });
        try (GgufFile f = GgufFile.open(out)) {
            assertThat(f.metadata().getInt("general.file_type")).isEqualTo(7);
            assertThat(f.tensor("blk.0.attn_q.weight").type()).isEqualTo(GgmlType.Q8_0);
            assertThat(f.tensor("token_embd.weight").type()).isEqualTo(GgmlType.Q8_0);
            assertThat(f.tensor("blk.0.ffn_norm.weight").type()).isEqualTo(GgmlType.F32);
        }
    }

    @Test
    void checkpointThatDoesNotMatchItsConfigIsRefused() throws Exception {
        Path bad = tmp.resolve("bad");
        Files.createDirectories(bad);
        for (String f : new String[] {"config.json", "tokenizer.json", "tokenizer_config.json"}) {
            Files.copy(checkpoint.resolve(f), bad.resolve(f));
        }
        new SafetensorsWriter().add("model.embed_tokens.weight", SafetensorsDtype.F32, new long[] {2, 3}, new float[6])
                .write(bad.resolve("model.safetensors"));
        assertThatThrownBy(() -> CheckpointConverter.convert(bad, tmp.resolve("bad.gguf"), ConvertType.F16, 1, (i, n, name, t) -> { }))
                .isInstanceOf(ModelRequestException.class)
                .hasMessageStartingWith("the checkpoint does not match its config.json as a llama model: model.embed_tokens.weight has shape [2, 3], config.json implies [128256, 64]; missing model.layers.0.input_layernorm.weight");
        assertThat(tmp.resolve("bad.gguf")).doesNotExist();
    }
}
