package dev.sirocco.models.convert;

import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.model.KvCache;
import dev.sirocco.engine.runtime.Engine;
import dev.sirocco.engine.runtime.EngineOptions;
import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.engine.tensor.Tensor;
import dev.sirocco.engine.tensor.quant.Dequantizer;
import dev.sirocco.engine.tensor.quant.HalfFloat;
import dev.sirocco.models.ModelRequestException;
import dev.sirocco.testkit.LlamaCppOracle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Generated Llama 3 and Qwen 3 checkpoints (random weights, the real tokenizers) converted to GGUF: the tensors are
 * the checkpoint's (llama's Q/K rows permuted as numpy's reshape/swapaxes would), the tokenizer metadata is
 * llama.cpp's, and llama.cpp and our engine load the F16 files, tokenize alike and agree on the logits (within 1e-3 of the largest, the tolerance
 * of EngineMatchesLlamaCppTest for F16 weights; F32 KV cache and no flash attention on both sides).
 */
class CheckpointConverterTest {
    static final int LAYERS = 2;
    static final String TEXT = "The quick brown fox jumps over the lazy dog.";
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
            assertThat(f.metadata().getInt("llama.block_count")).isEqualTo(LAYERS);
            assertThat(f.metadata().getInt("llama.attention.head_count_kv")).isEqualTo(CheckpointFixture.KV_HEADS);
            assertThat(f.metadata().getFloat("llama.rope.freq_base")).isEqualTo(500000f);
            assertThat(f.metadata().getString("tokenizer.ggml.model")).isEqualTo("gpt2");
            assertThat(f.metadata().getString("tokenizer.ggml.pre")).isEqualTo("llama-bpe");
            assertThat(f.metadata().getInt("tokenizer.ggml.bos_token_id")).isEqualTo(128000);
            assertThat(f.metadata().getInt("tokenizer.ggml.eos_token_id")).isEqualTo(128001);
            assertThat(f.metadata().getString("tokenizer.chat_template")).contains("<|start_header_id|>");
            assertThat(f.metadata().getStringArray("tokenizer.ggml.tokens")).hasSize(fixture.vocab);
            assertThat(f.tensorInfos()).hasSize(3 + 9 * LAYERS);

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
        assertSameRows(t, hf, heads, 0, t.rows());
    }

    /** Rows {@code first..first+rows} of {@code t} against {@code hf} (one expert of a stacked tensor, say). */
    private static void assertSameRows(Tensor t, float[] hf, int heads, long first, long rows) {
        int rowLength = t.rowLength();
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
            Dequantizer.dequantize(t.type(), t.data(), (first + r) * t.rowBytes(), row, 0, rowLength);
            for (int i = 0; i < rowLength; i++) {
                if (row[i] != hf[(int) (src * rowLength + i)]) {
                    throw new AssertionError(t.name() + " row " + (first + r) + " element " + i + ": " + row[i] + " != " + hf[(int) (src * rowLength + i)]);
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

    @Test
    void qwen2CheckpointConvertsWithUnpermutedQkvBiases() throws Exception {
        CheckpointFixture qwen = new CheckpointFixture(CheckpointFixture.Family.QWEN2);
        Path dir = qwen.write(tmp.resolve("tiny-qwen2"), 47);
        Path out = tmp.resolve("qwen2-f16.gguf");
        CheckpointConverter.convert(dir, out, ConvertType.F16, 1, (i, n, name, t) -> { });
        try (GgufFile f = GgufFile.open(out)) {
            assertThat(f.metadata().getString("general.architecture")).isEqualTo("qwen2");
            assertThat(f.metadata().getString("tokenizer.ggml.pre")).isEqualTo("qwen2");
            assertThat(f.tensor("blk.1.attn_k.bias").type()).isEqualTo(GgmlType.F32);
            // Qwen keeps HF's row order, biases included (BF16 sources: exact in F32)
            assertSameRows(f.tensor("blk.1.attn_q.bias"), qwen.values.get("model.layers.1.self_attn.q_proj.bias"), 0);
            assertSameRows(f.tensor("blk.1.attn_k.bias"), qwen.values.get("model.layers.1.self_attn.k_proj.bias"), 0);
            assertThat(f.hasTensor("blk.0.attn_q_norm.weight")).isFalse();
        }
        assertLogitsMatchLlamaCpp(out, "qwen2");
    }

    /** Tokenizes a text with both, then compares the last logits; returns the tokens. */
    private static int[] assertLogitsMatchLlamaCpp(Path gguf, String label) throws Exception {
        LlamaCppOracle oracle = LlamaCppOracle.shared();
        String text = TEXT;
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

    @Test
    void gemma3MultimodalCheckpointConvertsItsTextModelWithShiftedNormsAndSentencePieceVocabulary() throws Exception {
        CheckpointFixture gemma = new CheckpointFixture(CheckpointFixture.Family.GEMMA3);
        Path dir = gemma.write(tmp.resolve("tiny-gemma3"), 44);
        Path out = tmp.resolve("gemma3-f16.gguf");
        CheckpointConverter.convert(dir, out, ConvertType.F16, 1, (i, n, name, t) -> { });
        try (GgufFile f = GgufFile.open(out)) {
            var md = f.metadata();
            assertThat(md.getString("general.architecture")).isEqualTo("gemma3");
            assertThat(md.getInt("gemma3.block_count")).isEqualTo(6);
            assertThat(md.getInt("gemma3.context_length")).as("Gemma3TextConfig's default").isEqualTo(131072);
            assertThat(md.getInt("gemma3.attention.sliding_window")).isEqualTo(CheckpointFixture.GEMMA_WINDOW);
            assertThat(md.getFloat("gemma3.rope.freq_base")).isEqualTo(1_000_000f);
            assertThat(md.getFloat("gemma3.rope.freq_base_swa")).isEqualTo(10_000f);
            assertThat(md.getString("gemma3.rope.scaling.type")).isEqualTo("linear");
            assertThat(md.getFloat("gemma3.rope.scaling.factor")).isEqualTo(8f);
            assertThat(md.getInt("gemma3.attention.key_length")).isEqualTo(CheckpointFixture.HEAD_DIM);
            assertThat(md.getString("tokenizer.ggml.model")).isEqualTo("llama");
            assertThat(md.getBoolean("tokenizer.ggml.add_space_prefix")).isFalse();
            assertThat(md.getBoolean("tokenizer.ggml.add_bos_token")).isTrue();
            assertThat(md.getInt("tokenizer.ggml.bos_token_id")).isEqualTo(2);
            assertThat(md.getInt("tokenizer.ggml.eos_token_id")).as("<end_of_turn>").isEqualTo(106);
            String[] tokens = md.getStringArray("tokenizer.ggml.tokens");
            assertThat(tokens).as("padded to the default vocab_size 262208").hasSize(262208);
            assertThat(tokens[262144]).isEqualTo("<image_soft_token>");
            assertThat(md.getIntArray("tokenizer.ggml.token_type")[106]).as("control").isEqualTo(3);
            assertThat(md.getFloatArray("tokenizer.ggml.scores")).hasSize(262208);
            assertThat(md.getString("tokenizer.chat_template")).contains("<start_of_turn>");
            // 13 tensors a layer, embeddings and the output norm; tied output; nothing of the vision tower
            assertThat(f.tensorInfos()).hasSize(2 + 13 * 6);
            assertThat(f.hasTensor("output.weight")).isFalse();

            String p = "model.language_model.layers.5.";
            assertSameRows(f.tensor("blk.5.attn_q.weight"), gemma.values.get(p + "self_attn.q_proj.weight"), 0);
            // Gemma3RMSNorm scales by 1 + w: the file holds 1 + w, added in F32 (BF16 and F32 sources) or F16
            assertSameRows(f.tensor("blk.5.attn_norm.weight"), plusOne(gemma.values.get(p + "input_layernorm.weight"), false), 0);
            assertSameRows(f.tensor("blk.5.post_attention_norm.weight"), plusOne(gemma.values.get(p + "post_attention_layernorm.weight"), false), 0);
            assertSameRows(f.tensor("blk.5.ffn_norm.weight"), plusOne(gemma.values.get(p + "pre_feedforward_layernorm.weight"), false), 0);
            assertSameRows(f.tensor("blk.5.post_ffw_norm.weight"), plusOne(gemma.values.get(p + "post_feedforward_layernorm.weight"), false), 0);
            assertSameRows(f.tensor("blk.5.attn_k_norm.weight"), plusOne(gemma.values.get(p + "self_attn.k_norm.weight"), true), 0);
            assertSameRows(f.tensor("output_norm.weight"), plusOne(gemma.values.get("model.language_model.norm.weight"), false), 0);
            assertThat(f.tensor("blk.5.attn_k_norm.weight").type()).isEqualTo(GgmlType.F32);
        }
        assertLogitsMatchLlamaCpp(out, "gemma3");
        assertTokenizesLikeReference(out, gemma, "the npm Gemma 3 tokenizer");
    }

    /** Texts where a SentencePiece vocabulary's scores and types matter: merges, byte fallback, spaces, newlines. */
    static final List<String> SPM_TEXTS = List.of(TEXT, "Hello world! How are you today?", "Numbers 12345 and symbols #$%&*",
            "unicode: h\u00e9llo w\u00f6rld \u4f60\u597d and an emoji \ud83e\udd16", "line one\nline two\n\nindented  twice",
            "supercalifragilisticexpialidocious antidisestablishmentarianism");

    /** llama.cpp, our engine and the npm reference tokenizer give the same ids for every text of SPM_TEXTS. */
    private static void assertTokenizesLikeReference(Path gguf, CheckpointFixture fixture, String reference) throws Exception {
        int[][] expected = fixture.referenceTokens(SPM_TEXTS, tmp);
        LlamaCppOracle oracle = LlamaCppOracle.shared();
        try (Engine engine = Engine.load(gguf, EngineOptions.defaults().withThreads(1).withKvType(KvCache.Type.F32))) {
            for (int i = 0; i < SPM_TEXTS.size(); i++) {
                String text = SPM_TEXTS.get(i);
                assertThat(oracle.tokenize(gguf, text, true, false)).as("llama.cpp vs " + reference + ": " + text).containsExactly(expected[i]);
                assertThat(engine.tokenizer().encode(text, true, false)).as("ours vs " + reference + ": " + text).containsExactly(expected[i]);
            }
        }
    }

    private static float[] plusOne(float[] w, boolean inF16) {
        float[] out = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = inF16 ? HalfFloat.halfToFloat(HalfFloat.floatToHalf(w[i] + 1f)) : w[i] + 1f;
        }
        return out;
    }

    @Test
    void llama2SentencePieceTokenizerJsonBecomesALlamaVocabularyWithScores() throws Exception {
        CheckpointFixture llama2 = new CheckpointFixture(CheckpointFixture.Family.LLAMA2);
        Path dir = llama2.write(tmp.resolve("tiny-llama2"), 45);
        Path out = tmp.resolve("llama2-f16.gguf");
        CheckpointConverter.convert(dir, out, ConvertType.F16, 1, (i, n, name, t) -> { });
        try (GgufFile f = GgufFile.open(out)) {
            var md = f.metadata();
            assertThat(md.getString("tokenizer.ggml.model")).isEqualTo("llama");
            assertThat(md.getString("tokenizer.ggml.pre")).isEqualTo("default");
            assertThat(md.has("tokenizer.ggml.merges")).isFalse();
            assertThat(md.has("tokenizer.ggml.add_space_prefix")).as("llama leaves SentencePiece's default").isFalse();
            String[] tokens = md.getStringArray("tokenizer.ggml.tokens");
            int[] types = md.getIntArray("tokenizer.ggml.token_type");
            float[] scores = md.getFloatArray("tokenizer.ggml.scores");
            assertThat(tokens).hasSize(32000);
            assertThat(types[0]).as("<unk>").isEqualTo(2);
            assertThat(types[1]).as("<s>").isEqualTo(3);
            assertThat(tokens[3 + 0x41]).isEqualTo("<0x41>");
            assertThat(types[3 + 0x41]).as("byte").isEqualTo(6);
            assertThat(tokens[260]).isEqualTo("\u2581t");
            assertThat(scores[260]).as("formed by the first merge").isEqualTo(-1f);
            assertThat(scores[261]).as("'er', the second").isEqualTo(-2f);
            assertThat(scores[259]).as("a run of \u2581, as in Llama 2's tokenizer.model").isEqualTo(-1e9f);
            assertThat(md.getInt("tokenizer.ggml.bos_token_id")).isEqualTo(1);
            assertThat(md.getInt("tokenizer.ggml.eos_token_id")).isEqualTo(2);
            assertThat(md.getInt("tokenizer.ggml.unknown_token_id")).isEqualTo(0);
            assertThat(md.getBoolean("tokenizer.ggml.add_bos_token")).isTrue();
            assertThat(md.getBoolean("tokenizer.ggml.add_eos_token")).isFalse();
        }
        assertLogitsMatchLlamaCpp(out, "llama2");
        assertTokenizesLikeReference(out, llama2, "llama-tokenizer-js");
    }

    @Test
    void mixtralCheckpointStacksExpertsAndReadsTokenizerModel() throws Exception {
        CheckpointFixture mixtral = new CheckpointFixture(CheckpointFixture.Family.MIXTRAL);
        Path dir = mixtral.write(tmp.resolve("tiny-mixtral"), 46);
        assertThat(dir.resolve("tokenizer.json")).as("only the SentencePiece model").doesNotExist();
        Path out = tmp.resolve("mixtral-f16.gguf");
        CheckpointConverter.convert(dir, out, ConvertType.F16, 1, (i, n, name, t) -> { });
        int experts = CheckpointFixture.EXPERTS;
        try (GgufFile f = GgufFile.open(out)) {
            var md = f.metadata();
            assertThat(md.getInt("llama.expert_count")).isEqualTo(experts);
            assertThat(md.getInt("llama.expert_used_count")).isEqualTo(2);
            assertThat(f.hasTensor("blk.0.ffn_gate.weight")).isFalse();
            assertThat(f.tensor("blk.1.ffn_gate_exps.weight").shape()).containsExactly(CheckpointFixture.DIM, CheckpointFixture.FFN, experts);
            assertThat(f.tensor("blk.1.ffn_down_exps.weight").shape()).containsExactly(CheckpointFixture.FFN, CheckpointFixture.DIM, experts);
            assertThat(f.tensor("blk.1.ffn_gate_inp.weight").shape()).containsExactly(CheckpointFixture.DIM, experts);
            assertThat(f.tensor("blk.1.ffn_gate_inp.weight").type()).as("the router stays F32").isEqualTo(GgmlType.F32);
            assertSameRows(f.tensor("blk.1.ffn_gate_inp.weight"), mixtral.values.get("model.layers.1.block_sparse_moe.gate.weight"), 0);
            for (int e = 0; e < experts; e++) {
                String x = "model.layers.1.block_sparse_moe.experts." + e + ".";
                // F32 sources in an F16 file: compare with the F16 rounding of each value
                assertSameRows(f.tensor("blk.1.ffn_gate_exps.weight"), f16(mixtral.values.get(x + "w1.weight")), 0, (long) e * CheckpointFixture.FFN, CheckpointFixture.FFN);
                assertSameRows(f.tensor("blk.1.ffn_down_exps.weight"), f16(mixtral.values.get(x + "w2.weight")), 0, (long) e * CheckpointFixture.DIM, CheckpointFixture.DIM);
                assertSameRows(f.tensor("blk.1.ffn_up_exps.weight"), f16(mixtral.values.get(x + "w3.weight")), 0, (long) e * CheckpointFixture.FFN, CheckpointFixture.FFN);
            }
            // the pieces of tokenizer.model as they are, scores included
            String[] tokens = md.getStringArray("tokenizer.ggml.tokens");
            float[] scores = md.getFloatArray("tokenizer.ggml.scores");
            assertThat(tokens).hasSize(32000);
            assertThat(tokens[1]).isEqualTo("<s>");
            assertThat(scores[31999]).isEqualTo(-(31999 - 259));
            assertThat(md.getIntArray("tokenizer.ggml.token_type")[0]).isEqualTo(2);
            assertThat(md.getInt("tokenizer.ggml.bos_token_id")).as("from config.json").isEqualTo(1);
            assertThat(md.getInt("tokenizer.ggml.eos_token_id")).isEqualTo(2);
            assertThat(md.getBoolean("tokenizer.ggml.add_bos_token")).isTrue();
        }
        assertLogitsMatchLlamaCpp(out, "mixtral");
        assertTokenizesLikeReference(out, mixtral, "mistral-tokenizer-js");
    }

    private static float[] f16(float[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = HalfFloat.halfToFloat(HalfFloat.floatToHalf(v[i]));
        }
        return out;
    }
}
