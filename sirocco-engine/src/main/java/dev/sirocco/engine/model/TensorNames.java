package dev.sirocco.engine.model;

/** llama.cpp's tensor names (src/llama-arch.cpp), shared by every architecture Sirocco runs. */
public final class TensorNames {
    private TensorNames() {
    }

    public static final String TOKEN_EMBD = "token_embd.weight";
    public static final String OUTPUT_NORM = "output_norm.weight";
    public static final String OUTPUT = "output.weight";
    /** llama3-style rope frequency factors, one per rotated pair. */
    public static final String ROPE_FREQS = "rope_freqs.weight";

    /** {@code blk.<layer>.<name>}, e.g. {@code block(3, "attn_q.weight")}. */
    public static String block(int layer, String name) {
        return "blk." + layer + "." + name;
    }
}
