package dev.sirocco.engine.tensor;

/**
 * Which weight matrices llama.cpp's x86 AVX2 CPU backend repacks, and so which float order each matmul output
 * takes: the one place that decision is made.
 *
 * <p>At load time llama.cpp moves every weight that is used by a matrix product (MUL_MAT or MUL_MAT_ID, 2-D or
 * 3-D) into its "CPU_REPACK" buffer when {@code ggml_repack_get_optimal_repack_type} (ggml-cpu/repack.cpp) finds
 * a layout for it; with AVX2 (and no AVX-512, as in the {@code haswell} build the oracle pins) that is Q4_0 and
 * Q4_K with a row count ({@code ne[1]}) divisible by 8, interleaved 8 rows at a time. Those are then multiplied by
 * ggml_gemv/ggml_gemm_*_8x8 (arch/x86/repack.cpp), whose float steps differ from ggml_vec_dot's. The token
 * embedding stays unpacked (GET_ROWS never uses the repack buffer; {@link Kernels#dequantizeRow} is unaffected),
 * but a tied output head is loaded a second time as the output matrix (TENSOR_DUPLICATED), which is repacked.
 *
 * <p>Within one product ({@code forward_mul_mat}) the first {@code batch - batch % 4} activation rows go four at a
 * time through the gemm kernel, with those rows rounded to Q8_K by the 4-row quantizer; the rest, and every row
 * of an expert product (MUL_MAT_ID), go one at a time through the gemv kernel.
 */
public final class RepackedWeights {
    private RepackedWeights() {
    }

    /** Whether llama.cpp multiplies a {@code type} weight matrix of {@code rows} output rows in repacked form. */
    public static boolean isRepacked(GgmlType type, long rows) {
        return (type == GgmlType.Q4_0 || type == GgmlType.Q4_K) && rows % 8 == 0;
    }

    /**
     * Whether a repacked matrix's products depend on the batch: Q4_K's gemm steps its float chains per 64 elements
     * and gemv per 256, while Q4_0's gemm and gemv take the same steps (and its 4-row quantizer rounds as Q8_0's).
     */
    public static boolean gemmDiffersFromGemv(GgmlType type, long rows) {
        return type == GgmlType.Q4_K && isRepacked(type, rows);
    }

    /** Whether activation row {@code b} of a batch of {@code batch} rows goes through the 4-row gemm kernel (else gemv). */
    public static boolean inGemmTile(int b, int batch) {
        return b < batch - batch % 4;
    }
}
