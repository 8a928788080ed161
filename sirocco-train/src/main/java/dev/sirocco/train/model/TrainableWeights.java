package dev.sirocco.train.model;

import dev.sirocco.engine.gguf.GgufFile;
import dev.sirocco.engine.gguf.GgufTensorInfo;
import dev.sirocco.engine.model.TensorNames;
import dev.sirocco.engine.tensor.Kernels;
import dev.sirocco.engine.tensor.Tensor;
import dev.sirocco.train.autograd.Parameter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Every weight of a model as a trainable F32 {@link Parameter}, named as in the GGUF file, for full training
 * (pretraining from scratch, or full fine-tuning): the token embedding, the output projection (absent when tied to the
 * embedding), every norm gain and every attention and FFN projection. Biases stay frozen; mixtures of experts are not
 * trainable. A matrix {@code {in, out}} in ggml order is a {@code (out, in)} parameter, row-major: the same bytes.
 */
public final class TrainableWeights {
    private static final Pattern TRAINABLE = Pattern.compile(
            "token_embd\\.weight|output\\.weight|output_norm\\.weight|blk\\.\\d+\\.(attn_(q|k|v|output|norm|q_norm|k_norm)"
                    + "|ffn_(gate|up|down|norm)|post_attention_norm|post_ffw_norm)\\.weight");

    private final Map<String, Parameter> params;

    private TrainableWeights(Map<String, Parameter> params) {
        this.params = params;
    }

    /** The base model's weights, dequantized, as the starting point. */
    public static TrainableWeights from(GgufFile file, Kernels kernels) {
        Map<String, Parameter> params = new LinkedHashMap<>();
        for (GgufTensorInfo info : file.tensorInfos()) {
            if (!TRAINABLE.matcher(info.name()).matches()) {
                continue;
            }
            Tensor t = file.tensor(info.name());
            int cols = t.rowLength();
            int rows = Math.toIntExact(t.rows());
            float[] v = new float[rows * cols];
            for (int r = 0; r < rows; r++) {
                kernels.dequantizeRow(t, r, v, r * cols);
            }
            params.put(info.name(), new Parameter(info.name(), rows, cols, v));
        }
        if (!params.containsKey(TensorNames.TOKEN_EMBD)) {
            throw new IllegalArgumentException("the model has no " + TensorNames.TOKEN_EMBD + " to train");
        }
        return new TrainableWeights(params);
    }

    /** The parameter named as the GGUF tensor {@code name}, or null when that weight is not trained (or absent). */
    public Parameter get(String name) {
        return params.get(name);
    }

    /** The output projection: {@code output.weight}, or the token embedding when tied. */
    public Parameter output() {
        Parameter p = params.get(TensorNames.OUTPUT);
        return p != null ? p : params.get(TensorNames.TOKEN_EMBD);
    }

    public List<Parameter> parameters() {
        return new ArrayList<>(params.values());
    }

    public long count() {
        long n = 0;
        for (Parameter p : params.values()) {
            n += p.value.length;
        }
        return n;
    }
}
