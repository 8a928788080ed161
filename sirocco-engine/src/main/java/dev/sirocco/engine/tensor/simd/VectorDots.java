package dev.sirocco.engine.tensor.simd;

import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Dot products of one weight row (raw GGUF bytes) with one activation row that was rounded to the weight
 * type's companion format and widened to floats, at one vector width (one implementation per width).
 * Weight rows come as heap copies ({@code byte[]}, F16/BF16 as {@code short[]}; F32 still from the segment):
 * one bulk copy per row replaces a bounds and liveness check of the mapped segment on every access, which
 * cost several times the arithmetic. Activation arguments: {@code q[qOff ..]} the values or quants, {@code d[dOff ..]} the block scales,
 * {@code sums[sOff ..]} the Q8_K sums of each 32 quants; {@code nb} the number of weight blocks.
 */
interface VectorDots {
    ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    VectorSpecies<Float> species();

    float q8_0(MemorySegment w, long wOff, float[] q, int qOff, float[] d, int dOff, int nb);

    float q4_0(MemorySegment w, long wOff, float[] q, int qOff, float[] d, int dOff, int nb);

    float q4_1(MemorySegment w, long wOff, float[] q, int qOff, float[] d, int dOff, float[] s, int sOff, int nb);

    float q5_0(MemorySegment w, long wOff, float[] q, int qOff, float[] d, int dOff, int nb);

    float q5_1(MemorySegment w, long wOff, float[] q, int qOff, float[] d, int dOff, float[] s, int sOff, int nb);

    float q4_K(MemorySegment w, long wOff, float[] q, int qOff, float[] d, int dOff, int[] sums, int sOff, int nb);

    float q5_K(MemorySegment w, long wOff, float[] q, int qOff, float[] d, int dOff, int[] sums, int sOff, int nb);

    float q6_K(MemorySegment w, long wOff, float[] q, int qOff, float[] d, int dOff, int nb);

    /** Q4_0 in the float order of llama.cpp's repacked kernels (Q4_0Codec.repackedDot; see tensor.RepackedWeights). */
    float q4_0Repacked(MemorySegment w, long wOff, float[] q, int qOff, float[] d, int dOff, int nb);

    /** Q4_K in the float order of llama.cpp's repacked gemm ({@code gemm}) or gemv kernel (Q4KCodec.repackedDot). */
    float q4_KRepacked(MemorySegment w, long wOff, float[] q, int qOff, float[] d, int dOff, int[] sums, int sOff, int nb, boolean gemm);

    /**
     * {@link #q4_KRepacked} in gemv order ({@code gemm} false) of two weight rows at {@code w[wOff0 ..]} and
     * {@code w[wOff1 ..]} with one activation row, to {@code out[o0]} and {@code out[o1]}: the same floats as two calls.
     */
    void q4_KRepacked2(byte[] w, int wOff0, int wOff1, float[] q, int qOff, float[] d, int dOff, int[] sums, int sOff,
                       int nb, float[] out, int o0, int o1);

    /** Whether the {@code *x4} methods below share the weight work between their four activation rows (else they loop). */
    boolean tiled();

    /**
     * The four-activation-row forms: one weight row with activation rows t = 0..3 at {@code qOff + t * qStep}
     * (scales {@code dOff + t * dStep}, Q8_K sums {@code sOff + t * sStep}), results to
     * {@code out[outOff + t * outStep]}, each the float the single-row method gives. The weights are decoded once
     * for the four rows, which is what makes prompt processing cheaper per token than decoding.
     */
    void q8_0x4(byte[] w, int wOff, float[] q, int qOff, int qStep, float[] d, int dOff, int dStep, int nb,
                float[] out, int outOff, int outStep);

    void q6_Kx4(byte[] w, int wOff, float[] q, int qOff, int qStep, float[] d, int dOff, int dStep, int nb,
                float[] out, int outOff, int outStep);

    /** {@link #q4_0Repacked} for four activation rows, as {@link #q8_0x4}. */
    void q4_0Repackedx4(byte[] w, int wOff, float[] q, int qOff, int qStep, float[] d, int dOff, int dStep, int nb,
                        float[] out, int outOff, int outStep);

    /** {@link #q4_KRepacked} in gemm order for four activation rows, as {@link #q8_0x4}. */
    void q4_KRepackedx4(byte[] w, int wOff, float[] q, int qOff, int qStep, float[] d, int dOff, int dStep,
                        int[] sums, int sOff, int sStep, int nb, float[] out, int outOff, int outStep);

    /**
     * Activation rows per full tile of the token-major {@code *Tile} kernels, two float vectors (used only where
     * {@link #tiled}); their {@code tt} argument is this or half of it (one float vector, for small batches).
     */
    int tileTokens();

    /**
     * {@link #q4_KRepacked} in gemm order of four weight rows {@code w[wOff + r * rowBytes ..]} with a tile of
     * {@code tt} activation rows stored token-major (element k of row t at {@code x[xOff + k * tt + t]},
     * block scales at {@code d[dOff + i * tt + t]}, Q8_K sums of each 32 as floats at {@code sums[sOff + (8 i + g) * tt + t]}):
     * results to {@code res[r * tt + t]}; {@code wq} (1024 floats) and the rest of {@code res} (52 tt floats in all) are scratch.
     */
    void q4_KRepackedTile(byte[] w, int wOff, int rowBytes, int tt, float[] x, int xOff, float[] d, int dOff,
                          float[] sums, int sOff, int nb, float[] wq, float[] res);

    /** {@link #q6_K} of four weight rows with a token-major tile, laid out as for {@link #q4_KRepackedTile} (no sums). */
    void q6_KTile(byte[] w, int wOff, int rowBytes, int tt, float[] x, int xOff, float[] d, int dOff, int nb, float[] wq, float[] res);

    /** {@link #q8_0} of four weight rows with a token-major tile, laid out as for {@link #q4_KRepackedTile} (no sums). */
    void q8_0Tile(byte[] w, int wOff, int rowBytes, int tt, float[] x, int xOff, float[] d, int dOff, int nb, float[] wq, float[] res);

    /** {@link #q4_0Repacked} of four weight rows with a token-major tile, laid out as for {@link #q4_KRepackedTile} (no sums). */
    void q4_0Tile(byte[] w, int wOff, int rowBytes, int tt, float[] x, int xOff, float[] d, int dOff, int nb, float[] wq, float[] res);

    /**
     * tinyBLAS's F32 ({@code kind} 0), F16 (1) or BF16 (2) dot of four weight rows {@code w[wOff + r * rowBytes ..]} of
     * {@code n} elements ({@code n % 8 == 0}) with a token-major tile {@code x[xOff + k * T + t]}: results to
     * {@code res[r * T + t]}, each the float of {@code VectorFloatDots}' gemm form; {@code wq} and {@code res} as for
     * {@link #q4_KRepackedTile}.
     */
    void floatTile(int kind, MemorySegment w, long wOff, long rowBytes, float[] x, int xOff, int n, float[] wq, float[] res);

    /** The implementation for a width of {@code bits} = 128, 256 or 512. */
    static VectorDots forBits(int bits) {
        return switch (bits) {
            case 128 -> new VectorDots128();
            case 256 -> new VectorDots256();
            case 512 -> new VectorDots512();
            default -> throw new IllegalArgumentException("vector width must be 128, 256 or 512 bits, got " + bits);
        };
    }

    /**
     * Little-endian shorts at any byte offset of a weight row. The kernels widen f16 scales in place
     * ({@code Float.float16ToFloat(w.get(SHORT_LE, b))}, or through this handle) rather than through a helper: past
     * C2's node-count cutoff a helper stayed a real call per block (docs/benchmarks.md).
     */
    VarHandle SHORT_AT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * The 6-bit scale of sub-block j (0..7) from the 12 packed K-quant scale bytes (ggml's get_scale_min_k4),
     * given as {@code lo} = bytes 0..7 and {@code hi} = bytes 8..11, little-endian.
     */
    static int scaleK4(long lo, int hi, int j) {
        if (j < 4) {
            return byteAt(lo, hi, j) & 63;
        }
        return (byteAt(lo, hi, j + 4) & 0xF) | ((byteAt(lo, hi, j - 4) >> 6) << 4);
    }

    /** The 6-bit min of sub-block j (0..7), as {@link #scaleK4}. */
    static int minK4(long lo, int hi, int j) {
        if (j < 4) {
            return byteAt(lo, hi, j + 4) & 63;
        }
        return (byteAt(lo, hi, j + 4) >> 4) | ((byteAt(lo, hi, j) >> 6) << 4);
    }

    /** Byte i (0..11, unsigned) of the 12 scale bytes held as {@code lo} (0..7) and {@code hi} (8..11). */
    private static int byteAt(long lo, int hi, int i) {
        return i < 8 ? (int) (lo >>> (8 * i)) & 0xFF : (hi >>> (8 * (i - 8))) & 0xFF;
    }
}
