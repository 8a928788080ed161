package dev.sirocco.engine.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The model families Sirocco runs, keyed by GGUF's {@code general.architecture}. Each only names the
 * traits that cannot be read from the file's tensors; everything else (biases, QK-norm, extra norms,
 * experts) is detected from which tensors are present, so one forward pass serves them all.
 */
public enum Architecture {
    /** Llama 2/3/3.1/3.2, Mistral 7B, Mixtral (experts): rotary pairs are adjacent elements. */
    LLAMA("llama", RopeStyle.ADJACENT_PAIRS, Activation.SILU, false),
    /** Qwen 2 / 2.5: q/k/v biases. */
    QWEN2("qwen2", RopeStyle.HALVES, Activation.SILU, false),
    /** Qwen 3: per-head RMSNorm on q and k. */
    QWEN3("qwen3", RopeStyle.HALVES, Activation.SILU, false),
    /** Gemma 3: embeddings scaled by sqrt(dim), GeGLU, post-norms, sliding-window layers. */
    GEMMA3("gemma3", RopeStyle.HALVES, Activation.GELU_TANH, true);

    /** How RoPE pairs the elements of a head (ggml's rope mode NORM vs NEOX). */
    public enum RopeStyle { ADJACENT_PAIRS, HALVES }

    /** The gate activation of the gated feed-forward block. */
    public enum Activation { SILU, GELU_TANH }

    private final String ggufName;
    private final RopeStyle ropeStyle;
    private final Activation activation;
    private final boolean scalesEmbeddings;

    Architecture(String ggufName, RopeStyle ropeStyle, Activation activation, boolean scalesEmbeddings) {
        this.ggufName = ggufName;
        this.ropeStyle = ropeStyle;
        this.activation = activation;
        this.scalesEmbeddings = scalesEmbeddings;
    }

    public String ggufName() {
        return ggufName;
    }

    public RopeStyle ropeStyle() {
        return ropeStyle;
    }

    public Activation activation() {
        return activation;
    }

    /** Gemma multiplies token embeddings by sqrt(dim) before the first layer. */
    /**
     * Whether the attention scale multiplies the queries (after RoPE) rather than q·k: llama.cpp's gemma3
     * graph (src/models/gemma3.cpp) does ggml_scale(Qcur, f_attention_scale) and attends with kq_scale 1,
     * which rounds differently from scaling the scores.
     */
    public boolean scalesQueries() {
        return this == GEMMA3;
    }

    public boolean scalesEmbeddings() {
        return scalesEmbeddings;
    }

    /** The architecture named {@code name} in {@code general.architecture}. */
    public static Architecture fromGguf(String name) {
        for (Architecture a : values()) {
            if (a.ggufName.equals(name)) {
                return a;
            }
        }
        throw new UnsupportedModelException("general.architecture '" + name + "' is not supported; supported: "
                + Arrays.stream(values()).map(Architecture::ggufName).collect(Collectors.joining(", ")));
    }
}
