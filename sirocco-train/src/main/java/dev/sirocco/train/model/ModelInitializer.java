package dev.sirocco.train.model;

import dev.sirocco.engine.gguf.GgufMetadata;
import dev.sirocco.engine.gguf.GgufWriter;
import dev.sirocco.engine.tensor.GgmlType;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a freshly initialised llama-architecture model as an F32 GGUF, ready to load and pretrain: the tokenizer (and
 * chat template) copied from another GGUF's {@code tokenizer.*} keys, norm gains 1, matrices N(0, 0.02) with the
 * residual projections (attn_output, ffn_down) scaled by 1/sqrt(2 layers) as in GPT-2 (Radford et al. 2019, section 2.3).
 */
public final class ModelInitializer {
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final double STD = 0.02;

    private ModelInitializer() {
    }

    public static void write(ModelShape s, GgufMetadata tokenizerSource, long seed, Path out) throws IOException {
        if (!tokenizerSource.has("tokenizer.ggml.tokens")) {
            throw new IllegalArgumentException("the tokenizer source has no tokenizer.ggml.tokens: give a GGUF model with a vocabulary");
        }
        int vocab = tokenizerSource.getStringArray("tokenizer.ggml.tokens").length;
        GgufWriter w = new GgufWriter();
        w.putString("general.architecture", "llama");
        w.putString("general.name", "sirocco pretrained");
        w.putU32("general.file_type", 0); // all F32
        w.putU32("llama.context_length", s.contextLength());
        w.putU32("llama.embedding_length", s.dim());
        w.putU32("llama.block_count", s.layers());
        w.putU32("llama.feed_forward_length", s.ffn());
        w.putU32("llama.attention.head_count", s.heads());
        w.putU32("llama.attention.head_count_kv", s.kvHeads());
        w.putU32("llama.rope.dimension_count", s.headDim());
        w.putF32("llama.rope.freq_base", 10000f);
        w.putF32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
        w.putU32("llama.vocab_size", vocab);
        for (String key : tokenizerSource.keys()) {
            if (key.startsWith("tokenizer.")) {
                w.putValue(key, tokenizerSource.typeOf(key), tokenizerSource.get(key));
            }
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        double residual = STD / Math.sqrt(2.0 * s.layers());
        int kv = s.kvHeads() * s.headDim();
        matrix(w, "token_embd.weight", s.dim(), vocab, STD, rnd);
        ones(w, "output_norm.weight", s.dim());
        if (!s.tiedEmbeddings()) {
            matrix(w, "output.weight", s.dim(), vocab, STD, rnd);
        }
        for (int l = 0; l < s.layers(); l++) {
            String b = "blk." + l + ".";
            ones(w, b + "attn_norm.weight", s.dim());
            matrix(w, b + "attn_q.weight", s.dim(), s.dim(), STD, rnd);
            matrix(w, b + "attn_k.weight", s.dim(), kv, STD, rnd);
            matrix(w, b + "attn_v.weight", s.dim(), kv, STD, rnd);
            matrix(w, b + "attn_output.weight", s.dim(), s.dim(), residual, rnd);
            ones(w, b + "ffn_norm.weight", s.dim());
            matrix(w, b + "ffn_gate.weight", s.dim(), s.ffn(), STD, rnd);
            matrix(w, b + "ffn_up.weight", s.dim(), s.ffn(), STD, rnd);
            matrix(w, b + "ffn_down.weight", s.ffn(), s.dim(), residual, rnd);
        }
        w.write(out);
    }

    /** An {in, out} matrix (ggml order), values drawn now in a fixed order so the seed fixes the model. */
    private static void matrix(GgufWriter w, String name, int in, int out, double std, SplittableRandom rnd) {
        float[] v = new float[in * out];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (std * rnd.nextGaussian());
        }
        add(w, name, new long[]{in, out}, v);
    }

    private static void ones(GgufWriter w, String name, int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        add(w, name, new long[]{n}, v);
    }

    private static void add(GgufWriter w, String name, long[] shape, float[] v) {
        w.addTensor(name, GgmlType.F32, shape, (MemorySegment dst) -> {
            for (int i = 0; i < v.length; i++) {
                dst.setAtIndex(LE_FLOAT, i, v[i]);
            }
        });
    }
}
