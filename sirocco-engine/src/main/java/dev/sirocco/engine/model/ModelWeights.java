package dev.sirocco.engine.model;

import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.tensor.Kernels;
import dev.sirocco.engine.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.sirocco.engine.model.TensorNames.block;

/**
 * All weights of a model, found by llama.cpp's tensor names and checked against the config's shapes.
 * Matrices stay slices of the memory-mapped file; only the small vectors (norms, biases, rope factors)
 * are decoded onto the heap.
 */
public record ModelWeights(
        Tensor tokenEmbedding,   // (dim, vocab)
        float[] outputNorm,      // (dim)
        Tensor output,           // (dim, vocab): the token embedding itself when tied
        List<LayerWeights> layers) {

    public int vocabSize() {
        return Math.toIntExact(tokenEmbedding.rows());
    }

    public static ModelWeights load(GgufFile file, ModelConfig c, Kernels kernels) {
        Loader in = new Loader(file, kernels);
        Tensor embd = in.matrix(TensorNames.TOKEN_EMBD, c.dim(), -1);
        int vocab = Math.toIntExact(embd.rows());
        float[] outNorm = in.vector(TensorNames.OUTPUT_NORM, c.dim());
        Tensor output = file.hasTensor(TensorNames.OUTPUT) ? in.matrix(TensorNames.OUTPUT, c.dim(), vocab) : embd;
        float[] ropeFreqs = file.hasTensor(TensorNames.ROPE_FREQS) ? in.vector(TensorNames.ROPE_FREQS, c.ropeDim() / 2) : null;

        List<LayerWeights> layers = new ArrayList<>(c.layers());
        for (int l = 0; l < c.layers(); l++) {
            boolean moe = file.hasTensor(block(l, "ffn_gate_inp.weight"));
            if (moe && c.experts() == 0) {
                throw new UnsupportedModelException(block(l, "ffn_gate_inp.weight") + " present but " + c.architecture().ggufName() + ".expert_count is missing");
            }
            int ffn = c.ffnDim();
            layers.add(new LayerWeights(
                    in.vector(block(l, "attn_norm.weight"), c.dim()),
                    in.linear(l, "attn_q", c.dim(), c.qDim()),
                    in.linear(l, "attn_k", c.dim(), c.kvDim()),
                    in.linear(l, "attn_v", c.dim(), c.vDim()),
                    in.linear(l, "attn_output", c.heads() * c.valueHeadDim(), c.dim()),
                    in.optionalVector(block(l, "attn_q_norm.weight"), c.headDim()),
                    in.optionalVector(block(l, "attn_k_norm.weight"), c.headDim()),
                    in.optionalVector(block(l, "post_attention_norm.weight"), c.dim()),
                    in.vector(block(l, "ffn_norm.weight"), c.dim()),
                    moe ? null : in.linear(l, "ffn_gate", c.dim(), ffn),
                    moe ? null : in.linear(l, "ffn_up", c.dim(), ffn),
                    moe ? null : in.linear(l, "ffn_down", ffn, c.dim()),
                    in.optionalVector(block(l, "post_ffw_norm.weight"), c.dim()),
                    moe ? in.matrix(block(l, "ffn_gate_inp.weight"), c.dim(), c.experts()) : null,
                    moe ? in.experts(block(l, "ffn_gate_exps.weight"), c.dim(), ffn, c.experts()) : null,
                    moe ? in.experts(block(l, "ffn_up_exps.weight"), c.dim(), ffn, c.experts()) : null,
                    moe ? in.experts(block(l, "ffn_down_exps.weight"), ffn, c.dim(), c.experts()) : null,
                    file.hasTensor(block(l, "rope_freqs.weight")) ? in.vector(block(l, "rope_freqs.weight"), c.ropeDim() / 2) : ropeFreqs));
        }
        return new ModelWeights(embd, outNorm, output, List.copyOf(layers));
    }

    /**
     * These weights with {@code adapter} applied at {@code userScale} (llama.cpp's {@code --lora F:SCALE}): each
     * adapted projection gains a {@link LoraDelta}. The adapter may touch any of the attention and dense FFN
     * projections of any layer; anything else, or a shape that does not fit, is rejected naming the tensor.
     */
    public ModelWeights withLora(LoraAdapter adapter, float userScale, ModelConfig c) {
        if (!adapter.architecture().isEmpty() && !adapter.architecture().equals(c.architecture().ggufName())) {
            throw new UnsupportedModelException("LoRA adapter " + adapter.source() + " is for '" + adapter.architecture()
                    + "' models, this model is '" + c.architecture().ggufName() + "'");
        }
        List<LayerWeights> out = new ArrayList<>(layers);
        for (var e : adapter.weights().entrySet()) {
            String name = e.getKey();
            java.util.regex.Matcher m = ADAPTABLE.matcher(name);
            int layer = m.matches() ? Integer.parseInt(m.group(1)) : -1;
            Linear p = layer >= 0 && layer < layers.size() ? out.get(layer).projection(m.group(2)) : null;
            if (p == null) {
                throw new UnsupportedModelException("LoRA adapter " + adapter.source() + " adapts '" + name
                        + "', which this model has no dense projection for (supported: blk.N.attn_q/attn_k/attn_v/attn_output/ffn_gate/ffn_up/ffn_down.weight)");
            }
            LoraAdapter.Factors f = e.getValue();
            long[] a = f.a().shape();
            long[] b = f.b().shape();
            if (a[0] != p.in() || b[1] != p.out()) {
                throw new UnsupportedModelException("LoRA adapter " + adapter.source() + ": '" + name + "' is {" + p.in() + ", "
                        + p.out() + "} but its factors are " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " (expected {" + p.in() + ", rank} and {rank, " + p.out() + "}; wrong base model?)");
            }
            out.set(layer, out.get(layer).withProjection(m.group(2), p.plus(new LoraDelta(f.a(), f.b(), adapter.scale(f, userScale)))));
        }
        return new ModelWeights(tokenEmbedding, outputNorm, output, List.copyOf(out));
    }

    private static final java.util.regex.Pattern ADAPTABLE = java.util.regex.Pattern.compile("blk\\.(\\d+)\\.(\\w+)\\.weight");

    /** Looks tensors up and checks their shapes, so a wrong file fails at load with the tensor's name. */
    private record Loader(GgufFile file, Kernels kernels) {

        Tensor require(String name) {
            if (!file.hasTensor(name)) {
                throw new UnsupportedModelException("the model file has no tensor '" + name + "', which this architecture needs");
            }
            return file.tensor(name);
        }

        Tensor matrix(String name, int in, int out) {
            Tensor t = require(name);
            long[] s = t.shape();
            if (s.length != 2 || s[0] != in || (out >= 0 && s[1] != out)) {
                throw new UnsupportedModelException("tensor '" + name + "' has shape " + Arrays.toString(s)
                        + ", expected [" + in + ", " + (out >= 0 ? out : "n") + "]");
            }
            return t;
        }

        Tensor experts(String name, int in, int out, int n) {
            Tensor t = require(name);
            long[] s = t.shape();
            if (s.length != 3 || s[0] != in || s[1] != out || s[2] != n) {
                throw new UnsupportedModelException("tensor '" + name + "' has shape " + Arrays.toString(s)
                        + ", expected [" + in + ", " + out + ", " + n + "]");
            }
            return t;
        }

        Linear linear(int layer, String name, int in, int out) {
            Tensor w = matrix(block(layer, name + ".weight"), in, out);
            float[] b = optionalVector(block(layer, name + ".bias"), out);
            return new Linear(w, b);
        }

        float[] vector(String name, int n) {
            Tensor t = require(name);
            if (t.elementCount() != n) {
                throw new UnsupportedModelException("tensor '" + name + "' has " + t.elementCount() + " elements, expected " + n);
            }
            float[] v = new float[n];
            kernels.dequantizeRow(new Tensor(name, t.type(), new long[]{n}, t.data()), 0, v, 0);
            return v;
        }

        float[] optionalVector(String name, int n) {
            return file.hasTensor(name) ? vector(name, n) : null;
        }
    }
}
