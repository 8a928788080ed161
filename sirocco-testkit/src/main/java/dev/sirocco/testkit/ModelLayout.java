package dev.sirocco.testkit;

import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.engine.tensor.quant.Dequantizer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What a random-weight model file holds for a {@link ModelSpec}: llama.cpp's metadata keys, its exact tensor
 * names (src/llama-arch.cpp) with shapes in ggml order, and the seeded values of every tensor.
 *
 * <p>Values: 2-D and 3-D weights are Gaussian with std {@code weightScale / sqrt(row length)} (so each matrix
 * keeps unit-RMS activations unit-RMS), norm weights {@code 1 + 0.1 N(0,1)}, biases {@code 0.1 N(0,1)}.
 * The logits should spread by about {@code logitScale} (so most greedy top-2 gaps lie well above rounding
 * noise): {@code output} gets std {@code logitScale / sqrt(dim)}; with tied embeddings {@code token_embd} must
 * stay small as an input (else each token's own logit dominates and greedy repeats it), so
 * {@code output_norm} is multiplied by {@code logitScale} instead. Every tensor draws from its own stream seeded
 * by the spec's seed and the tensor's name, so changing one tensor's type leaves the others' values unchanged.
 * 1-D tensors are always F32, as llama.cpp's converters write them.
 */
public final class ModelLayout {

    private ModelLayout() {
    }

    /** The metadata written for {@code spec}, in file order (architecture keys, then the vocabulary's). */
    public static Map<String, Object> metadata(ModelSpec s) {
        String a = s.arch();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("general.architecture", a);
        m.put("general.name", "sirocco-random-" + a);
        m.put(a + ".context_length", s.contextLength());
        m.put(a + ".embedding_length", s.dim());
        m.put(a + ".block_count", s.layers());
        m.put(a + ".feed_forward_length", s.ffn());
        m.put(a + ".attention.head_count", s.heads());
        m.put(a + ".attention.head_count_kv", s.kvHeads());
        m.put(a + ".attention.layer_norm_rms_epsilon", s.rmsEps());
        m.put(a + ".rope.freq_base", s.ropeBase());
        if (s.writesHeadDim()) {
            m.put(a + ".attention.key_length", s.headDim());
            m.put(a + ".attention.value_length", s.headDim());
        }
        if (a.equals("llama")) {
            // converters always write it; llama.cpp's llama loader refuses a value other than the head size
            m.put(a + ".rope.dimension_count", s.headDim());
        }
        if (s.experts() > 0) {
            m.put(a + ".expert_count", s.experts());
            m.put(a + ".expert_used_count", s.expertsUsed());
        }
        if (s.slidingWindow() > 0) {
            m.put(a + ".attention.sliding_window", s.slidingWindow());
        }
        if (!Float.isNaN(s.ropeBaseSwa())) {
            m.put(a + ".rope.freq_base_swa", s.ropeBaseSwa());
        }
        if (!Float.isNaN(s.softcap())) {
            m.put(a + ".final_logit_softcapping", s.softcap());
        }
        if (a.equals("llama")) {
            m.put(a + ".vocab_size", s.tokenizer().size()); // Llama 3 converters write it; llama.cpp only reads it to name the model size
        }
        m.putAll(s.tokenizer().metadata());
        return m;
    }

    /** The tensors written for {@code spec}, in file order. */
    public static List<TensorPlan> tensors(ModelSpec s) {
        long dim = s.dim();
        long vocab = s.tokenizer().size();
        long q = (long) s.heads() * s.headDim();
        long kv = (long) s.kvHeads() * s.headDim();
        List<TensorPlan> out = new ArrayList<>();
        out.add(weight(s, "token_embd", "token_embd.weight", dim, vocab));
        if (s.llama3Rope()) {
            out.add(new TensorPlan("rope_freqs.weight", GgmlType.F32, new long[] {s.headDim() / 2}));
        }
        for (int i = 0; i < s.layers(); i++) {
            String b = "blk." + i + ".";
            out.add(f32(b + "attn_norm.weight", dim));
            out.add(weight(s, "attn_q", b + "attn_q.weight", dim, q));
            out.add(weight(s, "attn_k", b + "attn_k.weight", dim, kv));
            out.add(weight(s, "attn_v", b + "attn_v.weight", dim, kv));
            if (s.qkvBias()) {
                out.add(f32(b + "attn_q.bias", q));
                out.add(f32(b + "attn_k.bias", kv));
                out.add(f32(b + "attn_v.bias", kv));
            }
            if (s.qkNorm()) {
                out.add(f32(b + "attn_q_norm.weight", s.headDim()));
                out.add(f32(b + "attn_k_norm.weight", s.headDim()));
            }
            out.add(weight(s, "attn_output", b + "attn_output.weight", q, dim));
            if (s.arch().equals("gemma3")) {
                out.add(f32(b + "post_attention_norm.weight", dim));
            }
            out.add(f32(b + "ffn_norm.weight", dim));
            if (s.experts() > 0) {
                long e = s.experts();
                out.add(weight(s, "ffn_gate_inp", b + "ffn_gate_inp.weight", dim, e));
                out.add(weight(s, "ffn_gate_exps", b + "ffn_gate_exps.weight", dim, s.ffn(), e));
                out.add(weight(s, "ffn_up_exps", b + "ffn_up_exps.weight", dim, s.ffn(), e));
                out.add(weight(s, "ffn_down_exps", b + "ffn_down_exps.weight", s.ffn(), dim, e));
            } else {
                out.add(weight(s, "ffn_gate", b + "ffn_gate.weight", dim, s.ffn()));
                out.add(weight(s, "ffn_up", b + "ffn_up.weight", dim, s.ffn()));
                out.add(weight(s, "ffn_down", b + "ffn_down.weight", s.ffn(), dim));
            }
            if (s.arch().equals("gemma3")) {
                out.add(f32(b + "post_ffw_norm.weight", dim));
            }
        }
        out.add(f32("output_norm.weight", dim));
        if (!s.tiedEmbeddings()) {
            out.add(weight(s, "output", "output.weight", dim, vocab));
        }
        return out;
    }

    /**
     * The F32 values of tensor {@code name} before conversion to its type (what a reference forward pass in
     * F32 would use; for F16/BF16/quantized tensors the file holds these values rounded).
     */
    public static float[] values(ModelSpec s, String name) {
        TensorPlan plan = plan(s, name);
        int n = Math.toIntExact(plan.elements());
        if (name.equals("rope_freqs.weight")) {
            return llama3RopeFactors(s.headDim(), s.ropeBase());
        }
        SplittableRandom rnd = new SplittableRandom(s.seed() * 0x9E3779B97F4A7C15L ^ name.hashCode());
        float[] v = new float[n];
        if (plan.shape().length == 1) {
            boolean norm = name.endsWith("norm.weight");
            double scale = name.equals("output_norm.weight") && s.tiedEmbeddings() ? s.logitScale() : 1.0;
            for (int i = 0; i < n; i++) {
                v[i] = (float) (scale * ((norm ? 1.0 : 0.0) + 0.1 * rnd.nextGaussian()));
            }
        } else {
            double std = (name.equals("output.weight") ? s.logitScale() : s.weightScale()) / Math.sqrt(plan.shape()[0]);
            for (int i = 0; i < n; i++) {
                v[i] = (float) (std * rnd.nextGaussian());
            }
        }
        return v;
    }

    /**
     * The values the file actually holds for tensor {@code name}: {@link #values} after rounding to the
     * tensor's type (encoded, then decoded with the engine's dequantizer). Equal to {@link #values} for F32.
     */
    public static float[] storedValues(ModelSpec s, String name) {
        float[] v = values(s, name);
        TensorPlan plan = plan(s, name);
        if (plan.type() == GgmlType.F32) {
            return v;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = arena.allocate(plan.type().bytesFor(v.length));
            TensorEncoding.encode(plan.type(), v, (int) plan.shape()[0], bytes);
            float[] out = new float[v.length];
            Dequantizer.dequantize(plan.type(), bytes, 0, out, 0, v.length);
            return out;
        }
    }

    /**
     * RoPE frequency factors for Llama 3.1+ ("rope_type": "llama3", factor 8, low_freq_factor 1,
     * high_freq_factor 4, original_max_position_embeddings 8192), as convert_hf_to_gguf.py computes them:
     * 1 for high frequencies, 8 for low ones, a smooth blend between. {@code [headDim / 2]}.
     */
    public static float[] llama3RopeFactors(int headDim, float ropeBase) {
        double factor = 8, lowFreqFactor = 1, highFreqFactor = 4, oldContext = 8192;
        double lowFreqWavelen = oldContext / lowFreqFactor;
        double highFreqWavelen = oldContext / highFreqFactor;
        float[] out = new float[headDim / 2];
        for (int i = 0; i < out.length; i++) {
            // the converter holds the frequency as a float32 tensor
            float freq = (float) (1.0 / Math.pow(ropeBase, (float) (2 * i) / headDim));
            double wavelen = 2 * Math.PI / freq;
            if (wavelen < highFreqWavelen) {
                out[i] = 1f;
            } else if (wavelen > lowFreqWavelen) {
                out[i] = (float) factor;
            } else {
                double smooth = (oldContext / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                out[i] = (float) (1 / ((1 - smooth) / factor + smooth));
            }
        }
        return out;
    }

    private static TensorPlan plan(ModelSpec s, String name) {
        return tensors(s).stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no tensor " + name + " in this model"));
    }

    private static TensorPlan weight(ModelSpec s, String baseName, String name, long... shape) {
        GgmlType type = s.typeOf(baseName);
        if (shape[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException(name + " cannot be " + type + ": its rows have " + shape[0]
                    + " elements, not a multiple of " + type.blockSize() + " (choose a larger dim/ffn/headDim, or override its type)");
        }
        return new TensorPlan(name, type, shape);
    }

    private static TensorPlan f32(String name, long n) {
        return new TensorPlan(name, GgmlType.F32, new long[] {n});
    }
}
