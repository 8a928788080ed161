package dev.sirocco.models.convert;

/**
 * The row order llama.cpp's converter gives Q and K projections of llama-family checkpoints
 * ({@code LlamaModel.permute}). Hugging Face's RoPE rotates element i of a head with element i + headDim/2
 * ("rotate_half"); ggml's normal RoPE rotates neighbours 2j and 2j + 1. Reordering each head's rows from
 * [first halves..., second halves...] to interleaved pairs makes the two agree:
 * new row h*hd + 2j + i comes from old row h*hd + i*hd/2 + j (i in {0, 1}, j < hd/2).
 */
public final class QkPermutation {
    private QkPermutation() {
    }

    /** The source row of output row {@code row} of a projection with {@code rows} rows split into {@code heads} heads. */
    public static long sourceRow(long row, long rows, int heads) {
        long hd = rows / heads;
        long h = row / hd;
        long within = row % hd;
        long j = within / 2;
        long i = within % 2;
        return h * hd + i * (hd / 2) + j;
    }
}
