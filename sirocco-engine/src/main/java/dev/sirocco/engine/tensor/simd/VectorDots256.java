package dev.sirocco.engine.tensor.simd;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * {@link VectorDots} at 256 bits. GENERATED from VectorDots512 (edit that, then run
 * {@code VectorDotsWidths.main}, test scope): only the class name and the five species differ.
 *
 * <p>Dot products of one weight row (raw GGUF bytes) with one activation row already rounded to the weight
 * type's companion format and expanded to floats, at one forced vector width.
 *
 * <p>Every result is the float the scalar codec dot ({@code tensor/quant/*Codec.dot}, or {@code repackedDot})
 * gives, so the engine rounds the same whichever kernels run: ggml's AVX2 vec_dot order for Q8_0, Q4_0, Q4_1,
 * Q5_0, Q5_1 and Q4_K, its repacked gemm/gemv order for the Q4_0/Q4_K weights it repacks, its generic order for
 * Q5_K and Q6_K. Quantized types fuse the dequantization into the
 * dot: weight quants are widened from bytes to float lanes and multiplied with the activation quants (small
 * integers held exactly in floats; every lane sum stays below 2^24), so the per-block integer sums come out
 * exact in any order; the float work across blocks is then the codec's own expression, in its order, one
 * scalar step per block (per 8 lanes of a 256-element K-quant block, as the codecs' s0..s7).
 *
 * <p>F32, F16 and BF16 sum the float products in double lanes, as the codecs sum them in one double: the
 * two double sums differ by far less than a float ulp, so the results are equal except where the exact sum
 * lies within about {@code 2n 2^-53 sum|w_i a_i|} of a float rounding boundary, and then one ulp apart.
 */
final class VectorDots256 implements VectorDots {
    /** Little-endian ints and longs at any byte offset of a weight row. */
    private static final VarHandle INT_AT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** 0, 1, 2, ...: per-lane shift counts. */
    private static final int[] IOTA = java.util.stream.IntStream.range(0, 64).toArray();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    // The species are static constants so that C2 intrinsifies every vector operation (an instance field
    // would leave the conversions as slow Java fallbacks); one class per width keeps that true.
    private static final VectorSpecies<Float> fs = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> is = IntVector.SPECIES_256;
    /** 0, 1, 2, ... in the int lanes. */
    private static final IntVector LANE_INDEX = IntVector.fromArray(is, IOTA, 0);
    /** Doubles of the same width: each float vector widens into two of them. */
    private static final VectorSpecies<Double> ds = DoubleVector.SPECIES_256;
    /** Bytes loaded per quant step: as many lanes as {@link #fs}, but at least 64 bits (8 lanes). */
    private static final VectorSpecies<Byte> bs = ByteVector.SPECIES_64;
    /** Shorts of as many lanes as {@link #fs} (F16/BF16 weights). */
    private static final VectorSpecies<Short> ss = ShortVector.SPECIES_128;
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int lanes = fs.length();
    private static final int byteLanes = bs.length();
    /** How many float vectors one byte vector widens into (1, or 2 at 128 bits). */
    private static final int parts = byteLanes / lanes;
    /** Lane i to lane (i + 8) mod lanes: at 512 bits, swaps the halves, so lanes k and k + 8 meet. */
    private static final VectorShuffle<Float> SWAP_HALVES = VectorShuffle.fromOp(fs, i -> (i + 8) % lanes);
    /*
     * The shuffle tree that sums the 16 lanes of four vectors b0..b3 at once (512 bits): blends with HIGH8 and a
     * swap of halves leave b0's eight partial sums in lanes 0..7 and b1's in 8..15 (likewise b2, b3); ODD4 and
     * XOR4 pair those up to four partials each (b0 in lanes 0..3, b2 in 4..7, b1 in 8..11, b3 in 12..15); XOR2
     * and XOR1 finish, leaving the four sums in lanes 0, 8, 4 and 12. Exact: every partial is an integer below 2^24.
     */
    private static final VectorMask<Float> HIGH8 = VectorMask.fromArray(fs, lanePattern(8), 0);
    private static final VectorMask<Float> ODD4 = VectorMask.fromArray(fs, lanePattern(4), 0);
    /*
     * The QUADS tree: from four vectors p0..p3, blends with ODD1 and a swap by XOR1 pair adjacent lanes, then ODD2
     * and XOR2 pair the pairs, leaving in lane 4k + r the sum of lanes 4k..4k+3 of p_r (exact integers below
     * 2^24): the sums of 4 consecutive elements that AVX2's madd lanes take in ggml's Q4_0/Q4_K vec_dot.
     */
    private static final VectorMask<Float> ODD1 = VectorMask.fromArray(fs, lanePattern(1), 0);
    private static final VectorMask<Float> ODD2 = VectorMask.fromArray(fs, lanePattern(2), 0);
    private static final VectorShuffle<Float> XOR4 = VectorShuffle.fromOp(fs, i -> (i ^ 4) & (lanes - 1));
    private static final VectorShuffle<Float> XOR2 = VectorShuffle.fromOp(fs, i -> (i ^ 2) & (lanes - 1));
    private static final VectorShuffle<Float> XOR1 = VectorShuffle.fromOp(fs, i -> (i ^ 1) & (lanes - 1));

    /**
     * Lane k of a vector in every lane, and every lane moved down by one or six: Q6_K's sixteen int8 scales of a
     * super-block, held as one float vector at 16 lanes, are broadcast by permutes with constant shuffles (cheaper
     * than a byte load, an int-to-float conversion and a broadcast per scale).
     */
    private static final VectorShuffle<Float> LANE0 = VectorShuffle.fromOp(fs, i -> 0);
    private static final VectorShuffle<Float> LANE2 = VectorShuffle.fromOp(fs, i -> 2 & (lanes - 1));
    private static final VectorShuffle<Float> LANE4 = VectorShuffle.fromOp(fs, i -> 4 & (lanes - 1));
    private static final VectorShuffle<Float> LANE6 = VectorShuffle.fromOp(fs, i -> 6 & (lanes - 1));
    private static final VectorShuffle<Float> DOWN1 = VectorShuffle.fromOp(fs, i -> (i + 1) & (lanes - 1));
    private static final VectorShuffle<Float> DOWN6 = VectorShuffle.fromOp(fs, i -> (i + 6) & (lanes - 1));

    /** Lane i is set where {@code i & bit} is. */
    private static boolean[] lanePattern(int bit) {
        boolean[] m = new boolean[lanes];
        for (int i = 0; i < lanes; i++) {
            m[i] = (i & bit) != 0;
        }
        return m;
    }

    @Override
    public VectorSpecies<Float> species() {
        return fs;
    }

    /**
     * Q8_0 weights (34-byte blocks: f16 d, 32 int8) with Q8_0 activations expanded to quants {@code q[qOff ..]}
     * (as floats) and block scales {@code d[dOff ..]}.
     */
    @Override
    public float q8_0(MemorySegment w, long wOff, float[] q, int qOff, float[] d, int dOff, int nb) {
        // Q8_0Codec.dot's AVX2 lanes, as q4_0: the QUADS tree turns each block's products into the 8 lane sums.
        FloatVector acc = FloatVector.zero(fs);
        FloatVector accHi = FloatVector.zero(fs);
        for (int i = 0; i < nb; i++) {
            long b = wOff + 34 * i;
            int qb = qOff + 32 * i;
            FloatVector dd = FloatVector.broadcast(fs, Float.float16ToFloat(w.get(SHORT_LE, b)) * d[dOff + i]);
            if (lanes == 16) {
                FloatVector p0 = q8Half(w, b + 2, q, qb);
                FloatVector p1 = q8Half(w, b + 18, q, qb + 16);
                FloatVector x01 = p0.blend(p1, ODD1).add(p1.blend(p0, ODD1).rearrange(XOR1));
                acc = x01.add(x01.rearrange(XOR2)).fma(dd, acc);
            } else if (lanes == 8) {
                FloatVector p0 = q8Half(w, b + 2, q, qb);
                FloatVector p1 = q8Half(w, b + 10, q, qb + 8);
                FloatVector p2 = q8Half(w, b + 18, q, qb + 16);
                FloatVector p3 = q8Half(w, b + 26, q, qb + 24);
                FloatVector x01 = p0.blend(p1, ODD1).add(p1.blend(p0, ODD1).rearrange(XOR1));
                FloatVector x23 = p2.blend(p3, ODD1).add(p3.blend(p2, ODD1).rearrange(XOR1));
                acc = x01.blend(x23, ODD2).add(x23.blend(x01, ODD2).rearrange(XOR2)).fma(dd, acc);
            } else {
                ByteVector v0 = ByteVector.fromMemorySegment(bs, w, b + 2, ByteOrder.LITTLE_ENDIAN);
                ByteVector v1 = ByteVector.fromMemorySegment(bs, w, b + 10, ByteOrder.LITTLE_ENDIAN);
                FloatVector p0 = ((FloatVector) v0.convertShape(VectorOperators.B2F, fs, 0)).mul(FloatVector.fromArray(fs, q, qb));
                FloatVector p1 = ((FloatVector) v0.convertShape(VectorOperators.B2F, fs, 1)).mul(FloatVector.fromArray(fs, q, qb + 4));
                FloatVector p2 = ((FloatVector) v1.convertShape(VectorOperators.B2F, fs, 0)).mul(FloatVector.fromArray(fs, q, qb + 8));
                FloatVector p3 = ((FloatVector) v1.convertShape(VectorOperators.B2F, fs, 1)).mul(FloatVector.fromArray(fs, q, qb + 12));
                FloatVector x01 = p0.blend(p1, ODD1).add(p1.blend(p0, ODD1).rearrange(XOR1));
                FloatVector x23 = p2.blend(p3, ODD1).add(p3.blend(p2, ODD1).rearrange(XOR1));
                acc = x01.blend(x23, ODD2).add(x23.blend(x01, ODD2).rearrange(XOR2)).fma(dd, acc);
                v0 = ByteVector.fromMemorySegment(bs, w, b + 18, ByteOrder.LITTLE_ENDIAN);
                v1 = ByteVector.fromMemorySegment(bs, w, b + 26, ByteOrder.LITTLE_ENDIAN);
                p0 = ((FloatVector) v0.convertShape(VectorOperators.B2F, fs, 0)).mul(FloatVector.fromArray(fs, q, qb + 16));
                p1 = ((FloatVector) v0.convertShape(VectorOperators.B2F, fs, 1)).mul(FloatVector.fromArray(fs, q, qb + 20));
                p2 = ((FloatVector) v1.convertShape(VectorOperators.B2F, fs, 0)).mul(FloatVector.fromArray(fs, q, qb + 24));
                p3 = ((FloatVector) v1.convertShape(VectorOperators.B2F, fs, 1)).mul(FloatVector.fromArray(fs, q, qb + 28));
                x01 = p0.blend(p1, ODD1).add(p1.blend(p0, ODD1).rearrange(XOR1));
                x23 = p2.blend(p3, ODD1).add(p3.blend(p2, ODD1).rearrange(XOR1));
                accHi = x01.blend(x23, ODD2).add(x23.blend(x01, ODD2).rearrange(XOR2)).fma(dd, accHi);
            }
        }
        return hsumLanes(acc, accHi);
    }

    /** {@code lanes} weight quants at {@code w[at ..]} times as many activation quants at {@code q[qa ..]}, lane-wise (not at 128 bits). */
    private static FloatVector q8Half(MemorySegment w, long at, float[] q, int qa) {
        return ((FloatVector) ByteVector.fromMemorySegment(bs, w, at, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2F, fs, 0)).mul(FloatVector.fromArray(fs, q, qa));
    }

    /** Q4_0 weights (18-byte blocks: f16 d, 16 bytes; byte j holds element j low, j + 16 high; x = d (q - 8)) with Q8_0 activations. */
    @Override
    public float q4_0(MemorySegment w, long wOff, float[] q, int qOff, float[] d, int dOff, int nb) {
        // Q4_0Codec.dot's lanes: lane l of the 8 takes the exact sum of elements 4l..4l+3 of each block, fused with
        // the block's d. Product vectors p0..p3 meet in one vector by the QUADS tree (lane 4k + r = quad k of p_r),
        // so the lanes of acc hold the 8 lane sums in a fixed permutation, undone in the closing hsum tree.
        FloatVector acc = FloatVector.zero(fs);
        FloatVector accHi = FloatVector.zero(fs);
        for (int i = 0; i < nb; i++) {
            long b = wOff + 18 * i;
            int qb = qOff + 32 * i;
            float dd = Float.float16ToFloat(w.get(SHORT_LE, b)) * d[dOff + i];
            if (lanes == 16) {
                IntVector vi = (IntVector) ByteVector.fromMemorySegment(bs, w, b + 2, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, is, 0);
                FloatVector p0 = ((FloatVector) vi.and(0x0F).sub(8).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb));
                FloatVector p1 = ((FloatVector) vi.lanewise(VectorOperators.ASHR, 4).and(0x0F).sub(8).convert(VectorOperators.I2F, 0))
                        .mul(FloatVector.fromArray(fs, q, qb + 16));
                FloatVector x01 = p0.blend(p1, ODD1).add(p1.blend(p0, ODD1).rearrange(XOR1));
                acc = x01.add(x01.rearrange(XOR2)).fma(FloatVector.broadcast(fs, dd), acc);
            } else if (lanes == 8) {
                IntVector v0 = (IntVector) ByteVector.fromMemorySegment(bs, w, b + 2, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, is, 0);
                IntVector v1 = (IntVector) ByteVector.fromMemorySegment(bs, w, b + 10, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, is, 0);
                FloatVector p0 = ((FloatVector) v0.and(0x0F).sub(8).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb));
                FloatVector p1 = ((FloatVector) v1.and(0x0F).sub(8).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 8));
                FloatVector p2 = ((FloatVector) v0.lanewise(VectorOperators.ASHR, 4).and(0x0F).sub(8).convert(VectorOperators.I2F, 0))
                        .mul(FloatVector.fromArray(fs, q, qb + 16));
                FloatVector p3 = ((FloatVector) v1.lanewise(VectorOperators.ASHR, 4).and(0x0F).sub(8).convert(VectorOperators.I2F, 0))
                        .mul(FloatVector.fromArray(fs, q, qb + 24));
                FloatVector x01 = p0.blend(p1, ODD1).add(p1.blend(p0, ODD1).rearrange(XOR1));
                FloatVector x23 = p2.blend(p3, ODD1).add(p3.blend(p2, ODD1).rearrange(XOR1));
                acc = x01.blend(x23, ODD2).add(x23.blend(x01, ODD2).rearrange(XOR2)).fma(FloatVector.broadcast(fs, dd), acc);
            } else {
                // 4 lanes: each product vector is one lane's quad; two trees, lanes 0..3 and 4..7.
                ByteVector v0 = ByteVector.fromMemorySegment(bs, w, b + 2, ByteOrder.LITTLE_ENDIAN);
                ByteVector v1 = ByteVector.fromMemorySegment(bs, w, b + 10, ByteOrder.LITTLE_ENDIAN);
                IntVector i0 = (IntVector) v0.convertShape(VectorOperators.B2I, is, 0);
                IntVector i1 = (IntVector) v0.convertShape(VectorOperators.B2I, is, 1);
                IntVector i2 = (IntVector) v1.convertShape(VectorOperators.B2I, is, 0);
                IntVector i3 = (IntVector) v1.convertShape(VectorOperators.B2I, is, 1);
                FloatVector p0 = ((FloatVector) i0.and(0x0F).sub(8).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb));
                FloatVector p1 = ((FloatVector) i1.and(0x0F).sub(8).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 4));
                FloatVector p2 = ((FloatVector) i2.and(0x0F).sub(8).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 8));
                FloatVector p3 = ((FloatVector) i3.and(0x0F).sub(8).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 12));
                FloatVector x01 = p0.blend(p1, ODD1).add(p1.blend(p0, ODD1).rearrange(XOR1));
                FloatVector x23 = p2.blend(p3, ODD1).add(p3.blend(p2, ODD1).rearrange(XOR1));
                acc = x01.blend(x23, ODD2).add(x23.blend(x01, ODD2).rearrange(XOR2)).fma(FloatVector.broadcast(fs, dd), acc);
                p0 = ((FloatVector) i0.lanewise(VectorOperators.ASHR, 4).and(0x0F).sub(8).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 16));
                p1 = ((FloatVector) i1.lanewise(VectorOperators.ASHR, 4).and(0x0F).sub(8).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 20));
                p2 = ((FloatVector) i2.lanewise(VectorOperators.ASHR, 4).and(0x0F).sub(8).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 24));
                p3 = ((FloatVector) i3.lanewise(VectorOperators.ASHR, 4).and(0x0F).sub(8).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 28));
                x01 = p0.blend(p1, ODD1).add(p1.blend(p0, ODD1).rearrange(XOR1));
                x23 = p2.blend(p3, ODD1).add(p3.blend(p2, ODD1).rearrange(XOR1));
                accHi = x01.blend(x23, ODD2).add(x23.blend(x01, ODD2).rearrange(XOR2)).fma(FloatVector.broadcast(fs, dd), accHi);
            }
        }
        return hsumLanes(acc, accHi);
    }

    /**
     * hsum_float_8 of the 8 AVX2 lanes x0..x7, ((x0 + x4) + (x2 + x6)) + ((x1 + x5) + (x3 + x7)), where the QUADS
     * tree left them: at 16 lanes x_k in lane 4k and x_(4+k) in lane 4k + 1 (k < 4); at 8 lanes x_(2r+k) in lane
     * 4k + r; at 4 lanes x0..x3 in {@code acc}, x4..x7 in {@code hi}.
     */
    private static float hsumLanes(FloatVector acc, FloatVector hi) {
        if (lanes == 16) {
            return ((acc.lane(0) + acc.lane(1)) + (acc.lane(8) + acc.lane(9))) + ((acc.lane(4) + acc.lane(5)) + (acc.lane(12) + acc.lane(13)));
        }
        if (lanes == 8) {
            return ((acc.lane(0) + acc.lane(2)) + (acc.lane(1) + acc.lane(3))) + ((acc.lane(4) + acc.lane(6)) + (acc.lane(5) + acc.lane(7)));
        }
        return ((acc.lane(0) + hi.lane(0)) + (acc.lane(2) + hi.lane(2))) + ((acc.lane(1) + hi.lane(1)) + (acc.lane(3) + hi.lane(3)));
    }

    /** {@link #q4_0} in the float order of llama.cpp's repacked Q4_0 kernels, as Q4_0Codec.repackedDot. */
    @Override
    public float q4_0Repacked(MemorySegment w, long wOff, float[] q, int qOff, float[] d, int dOff, int nb) {
        float sumf = 0;
        int i = 0;
        if (lanes == 16) {
            // Four blocks at a time, their lane sums reduced by one shuffle tree, as q8_0.
            for (; i + 4 <= nb; i += 4) {
                long b = wOff + 18 * i;
                int qb = qOff + 32 * i;
                IntVector v0 = (IntVector) ByteVector.fromMemorySegment(bs, w, b + 2, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, is, 0);
                IntVector v1 = (IntVector) ByteVector.fromMemorySegment(bs, w, b + 20, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, is, 0);
                IntVector v2 = (IntVector) ByteVector.fromMemorySegment(bs, w, b + 38, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, is, 0);
                IntVector v3 = (IntVector) ByteVector.fromMemorySegment(bs, w, b + 56, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, is, 0);
                FloatVector b0 = ((FloatVector) v0.and(0x0F).sub(8).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb))
                        .add(((FloatVector) v0.lanewise(VectorOperators.ASHR, 4).and(0x0F).sub(8).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 16)));
                FloatVector b1 = ((FloatVector) v1.and(0x0F).sub(8).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 32))
                        .add(((FloatVector) v1.lanewise(VectorOperators.ASHR, 4).and(0x0F).sub(8).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 48)));
                FloatVector b2 = ((FloatVector) v2.and(0x0F).sub(8).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 64))
                        .add(((FloatVector) v2.lanewise(VectorOperators.ASHR, 4).and(0x0F).sub(8).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 80)));
                FloatVector b3 = ((FloatVector) v3.and(0x0F).sub(8).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 96))
                        .add(((FloatVector) v3.lanewise(VectorOperators.ASHR, 4).and(0x0F).sub(8).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 112)));
                FloatVector x01 = b0.blend(b1, HIGH8).add(b1.blend(b0, HIGH8).rearrange(SWAP_HALVES));
                FloatVector x23 = b2.blend(b3, HIGH8).add(b3.blend(b2, HIGH8).rearrange(SWAP_HALVES));
                FloatVector y = x01.blend(x23, ODD4).add(x23.blend(x01, ODD4).rearrange(XOR4));
                y = y.add(y.rearrange(XOR2));
                y = y.add(y.rearrange(XOR1));
                int s = dOff + i;
                sumf = Math.fma(y.lane(0), Float.float16ToFloat(w.get(SHORT_LE, b)) * d[s], sumf);
                sumf = Math.fma(y.lane(8), Float.float16ToFloat(w.get(SHORT_LE, b + 18)) * d[s + 1], sumf);
                sumf = Math.fma(y.lane(4), Float.float16ToFloat(w.get(SHORT_LE, b + 36)) * d[s + 2], sumf);
                sumf = Math.fma(y.lane(12), Float.float16ToFloat(w.get(SHORT_LE, b + 54)) * d[s + 3], sumf);
            }
        }
        for (; i < nb; i++) {
            long b = wOff + 18 * i;
            int qb = qOff + 32 * i;
            FloatVector blk = FloatVector.zero(fs);
            for (int j = 0; j < 16; j += byteLanes) {
                ByteVector v = ByteVector.fromMemorySegment(bs, w, b + 2 + j, ByteOrder.LITTLE_ENDIAN);
                ByteVector lo = v.and((byte) 0x0F).sub((byte) 8);
                ByteVector hi = highNibbles(v).sub((byte) 8);
                for (int p = 0; p < parts; p++) {
                    FloatVector l = (FloatVector) lo.convertShape(VectorOperators.B2F, fs, p);
                    FloatVector h = (FloatVector) hi.convertShape(VectorOperators.B2F, fs, p);
                    blk = l.fma(FloatVector.fromArray(fs, q, qb + j + p * lanes), blk);
                    blk = h.fma(FloatVector.fromArray(fs, q, qb + 16 + j + p * lanes), blk);
                }
            }
            float sumi = ((IntVector) blk.convert(VectorOperators.F2I, 0)).reduceLanes(VectorOperators.ADD);
            sumf = Math.fma(sumi, Float.float16ToFloat(w.get(SHORT_LE, b)) * d[dOff + i], sumf);
        }
        return sumf;
    }

    /**
     * Q4_1 weights (20-byte blocks: f16 d, f16 m, 16 bytes of nibbles as Q4_0; x = d q + m) with Q8_1
     * activations: quants {@code q}, scales {@code d}, and {@code s[sOff + i]} = the block's f16 d * sum(q). The
     * float steps are Q4_1Codec.dot's (AVX2 lanes as {@link #q4_0}, m * s summed apart). The QUADS tree is
     * written out in each method (and each width's branch): as a helper returning a vector, C2 left it
     * uninlined and boxed its result, three times slower.
     */
    @Override
    public float q4_1(MemorySegment w, long wOff, float[] q, int qOff, float[] d, int dOff, float[] s, int sOff, int nb) {
        FloatVector acc = FloatVector.zero(fs);
        FloatVector accHi = FloatVector.zero(fs);
        float summs = 0;
        for (int i = 0; i < nb; i++) {
            long b = wOff + 20 * i;
            int qb = qOff + 32 * i;
            summs += Float.float16ToFloat(w.get(SHORT_LE, b + 2)) * s[sOff + i];
            FloatVector dd = FloatVector.broadcast(fs, Float.float16ToFloat(w.get(SHORT_LE, b)) * d[dOff + i]);
            if (lanes == 16) {
                IntVector v = (IntVector) ByteVector.fromMemorySegment(bs, w, b + 4, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, is, 0);
                IntVector n0 = v.and(0x0F);
                IntVector n1 = v.lanewise(VectorOperators.ASHR, 4).and(0x0F);
                FloatVector p0 = ((FloatVector) n0.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb));
                FloatVector p1 = ((FloatVector) n1.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 16));
                FloatVector x01 = p0.blend(p1, ODD1).add(p1.blend(p0, ODD1).rearrange(XOR1));
                acc = x01.add(x01.rearrange(XOR2)).fma(dd, acc);
            } else if (lanes == 8) {
                IntVector v0 = (IntVector) ByteVector.fromMemorySegment(bs, w, b + 4, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, is, 0);
                IntVector v1 = (IntVector) ByteVector.fromMemorySegment(bs, w, b + 4 + 8, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, is, 0);
                IntVector n0 = v0.and(0x0F);
                IntVector n1 = v1.and(0x0F);
                IntVector n2 = v0.lanewise(VectorOperators.ASHR, 4).and(0x0F);
                IntVector n3 = v1.lanewise(VectorOperators.ASHR, 4).and(0x0F);
                FloatVector p0 = ((FloatVector) n0.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb));
                FloatVector p1 = ((FloatVector) n1.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 8));
                FloatVector p2 = ((FloatVector) n2.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 16));
                FloatVector p3 = ((FloatVector) n3.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 24));
                FloatVector x01 = p0.blend(p1, ODD1).add(p1.blend(p0, ODD1).rearrange(XOR1));
                FloatVector x23 = p2.blend(p3, ODD1).add(p3.blend(p2, ODD1).rearrange(XOR1));
                acc = x01.blend(x23, ODD2).add(x23.blend(x01, ODD2).rearrange(XOR2)).fma(dd, acc);
            } else {
                // 4 lanes: one run of 4 elements per vector; elements 0..15 into acc, 16..31 into accHi
                ByteVector b0 = ByteVector.fromMemorySegment(bs, w, b + 4, ByteOrder.LITTLE_ENDIAN);
                ByteVector b1 = ByteVector.fromMemorySegment(bs, w, b + 4 + 8, ByteOrder.LITTLE_ENDIAN);
                IntVector v0 = (IntVector) b0.convertShape(VectorOperators.B2I, is, 0);
                IntVector v1 = (IntVector) b0.convertShape(VectorOperators.B2I, is, 1);
                IntVector v2 = (IntVector) b1.convertShape(VectorOperators.B2I, is, 0);
                IntVector v3 = (IntVector) b1.convertShape(VectorOperators.B2I, is, 1);
                IntVector n00 = v0.and(0x0F);
                IntVector n01 = v1.and(0x0F);
                IntVector n02 = v2.and(0x0F);
                IntVector n03 = v3.and(0x0F);
                FloatVector p00 = ((FloatVector) n00.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb));
                FloatVector p01 = ((FloatVector) n01.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 4));
                FloatVector p02 = ((FloatVector) n02.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 8));
                FloatVector p03 = ((FloatVector) n03.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 12));
                FloatVector x001 = p00.blend(p01, ODD1).add(p01.blend(p00, ODD1).rearrange(XOR1));
                FloatVector x023 = p02.blend(p03, ODD1).add(p03.blend(p02, ODD1).rearrange(XOR1));
                acc = x001.blend(x023, ODD2).add(x023.blend(x001, ODD2).rearrange(XOR2)).fma(dd, acc);
                IntVector n10 = v0.lanewise(VectorOperators.ASHR, 4).and(0x0F);
                IntVector n11 = v1.lanewise(VectorOperators.ASHR, 4).and(0x0F);
                IntVector n12 = v2.lanewise(VectorOperators.ASHR, 4).and(0x0F);
                IntVector n13 = v3.lanewise(VectorOperators.ASHR, 4).and(0x0F);
                FloatVector p10 = ((FloatVector) n10.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 16));
                FloatVector p11 = ((FloatVector) n11.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 20));
                FloatVector p12 = ((FloatVector) n12.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 24));
                FloatVector p13 = ((FloatVector) n13.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 28));
                FloatVector x101 = p10.blend(p11, ODD1).add(p11.blend(p10, ODD1).rearrange(XOR1));
                FloatVector x123 = p12.blend(p13, ODD1).add(p13.blend(p12, ODD1).rearrange(XOR1));
                accHi = x101.blend(x123, ODD2).add(x123.blend(x101, ODD2).rearrange(XOR2)).fma(dd, accHi);
            }
        }
        return hsumLanes(acc, accHi) + summs;
    }

    /** Q5_0 weights (22-byte blocks: f16 d, 32-bit word of fifth bits, 16 bytes of nibbles as Q4_0; x = d (q - 16)) with Q8_0 activations. */
    @Override
    public float q5_0(MemorySegment w, long wOff, float[] q, int qOff, float[] d, int dOff, int nb) {
        FloatVector acc = FloatVector.zero(fs);
        FloatVector accHi = FloatVector.zero(fs);
        for (int i = 0; i < nb; i++) {
            long b = wOff + 22 * i;
            int qb = qOff + 32 * i;
            int qh = (int) w.get(INT_LE, b + 2);
            FloatVector dd = FloatVector.broadcast(fs, Float.float16ToFloat(w.get(SHORT_LE, b)) * d[dOff + i]);
            if (lanes == 16) {
                IntVector v = (IntVector) ByteVector.fromMemorySegment(bs, w, b + 6, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, is, 0);
                IntVector n0 = v.and(0x0F);
                IntVector n1 = v.lanewise(VectorOperators.ASHR, 4).and(0x0F);
                n0 = n0.or(IntVector.broadcast(is, qh >>> (0)).lanewise(VectorOperators.LSHR, LANE_INDEX).and(1).lanewise(VectorOperators.LSHL, 4));
                n1 = n1.or(IntVector.broadcast(is, qh >>> (16)).lanewise(VectorOperators.LSHR, LANE_INDEX).and(1).lanewise(VectorOperators.LSHL, 4));
                FloatVector p0 = ((FloatVector) n0.sub(16).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb));
                FloatVector p1 = ((FloatVector) n1.sub(16).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 16));
                FloatVector x01 = p0.blend(p1, ODD1).add(p1.blend(p0, ODD1).rearrange(XOR1));
                acc = x01.add(x01.rearrange(XOR2)).fma(dd, acc);
            } else if (lanes == 8) {
                IntVector v0 = (IntVector) ByteVector.fromMemorySegment(bs, w, b + 6, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, is, 0);
                IntVector v1 = (IntVector) ByteVector.fromMemorySegment(bs, w, b + 6 + 8, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, is, 0);
                IntVector n0 = v0.and(0x0F);
                IntVector n1 = v1.and(0x0F);
                IntVector n2 = v0.lanewise(VectorOperators.ASHR, 4).and(0x0F);
                IntVector n3 = v1.lanewise(VectorOperators.ASHR, 4).and(0x0F);
                n0 = n0.or(IntVector.broadcast(is, qh >>> (0)).lanewise(VectorOperators.LSHR, LANE_INDEX).and(1).lanewise(VectorOperators.LSHL, 4));
                n1 = n1.or(IntVector.broadcast(is, qh >>> (8)).lanewise(VectorOperators.LSHR, LANE_INDEX).and(1).lanewise(VectorOperators.LSHL, 4));
                n2 = n2.or(IntVector.broadcast(is, qh >>> (16)).lanewise(VectorOperators.LSHR, LANE_INDEX).and(1).lanewise(VectorOperators.LSHL, 4));
                n3 = n3.or(IntVector.broadcast(is, qh >>> (24)).lanewise(VectorOperators.LSHR, LANE_INDEX).and(1).lanewise(VectorOperators.LSHL, 4));
                FloatVector p0 = ((FloatVector) n0.sub(16).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb));
                FloatVector p1 = ((FloatVector) n1.sub(16).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 8));
                FloatVector p2 = ((FloatVector) n2.sub(16).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 16));
                FloatVector p3 = ((FloatVector) n3.sub(16).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 24));
                FloatVector x01 = p0.blend(p1, ODD1).add(p1.blend(p0, ODD1).rearrange(XOR1));
                FloatVector x23 = p2.blend(p3, ODD1).add(p3.blend(p2, ODD1).rearrange(XOR1));
                acc = x01.blend(x23, ODD2).add(x23.blend(x01, ODD2).rearrange(XOR2)).fma(dd, acc);
            } else {
                // 4 lanes: one run of 4 elements per vector; elements 0..15 into acc, 16..31 into accHi
                ByteVector b0 = ByteVector.fromMemorySegment(bs, w, b + 6, ByteOrder.LITTLE_ENDIAN);
                ByteVector b1 = ByteVector.fromMemorySegment(bs, w, b + 6 + 8, ByteOrder.LITTLE_ENDIAN);
                IntVector v0 = (IntVector) b0.convertShape(VectorOperators.B2I, is, 0);
                IntVector v1 = (IntVector) b0.convertShape(VectorOperators.B2I, is, 1);
                IntVector v2 = (IntVector) b1.convertShape(VectorOperators.B2I, is, 0);
                IntVector v3 = (IntVector) b1.convertShape(VectorOperators.B2I, is, 1);
                IntVector n00 = v0.and(0x0F);
                IntVector n01 = v1.and(0x0F);
                IntVector n02 = v2.and(0x0F);
                IntVector n03 = v3.and(0x0F);
                n00 = n00.or(IntVector.broadcast(is, qh >>> (0)).lanewise(VectorOperators.LSHR, LANE_INDEX).and(1).lanewise(VectorOperators.LSHL, 4));
                n01 = n01.or(IntVector.broadcast(is, qh >>> (4)).lanewise(VectorOperators.LSHR, LANE_INDEX).and(1).lanewise(VectorOperators.LSHL, 4));
                n02 = n02.or(IntVector.broadcast(is, qh >>> (8)).lanewise(VectorOperators.LSHR, LANE_INDEX).and(1).lanewise(VectorOperators.LSHL, 4));
                n03 = n03.or(IntVector.broadcast(is, qh >>> (12)).lanewise(VectorOperators.LSHR, LANE_INDEX).and(1).lanewise(VectorOperators.LSHL, 4));
                FloatVector p00 = ((FloatVector) n00.sub(16).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb));
                FloatVector p01 = ((FloatVector) n01.sub(16).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 4));
                FloatVector p02 = ((FloatVector) n02.sub(16).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 8));
                FloatVector p03 = ((FloatVector) n03.sub(16).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 12));
                FloatVector x001 = p00.blend(p01, ODD1).add(p01.blend(p00, ODD1).rearrange(XOR1));
                FloatVector x023 = p02.blend(p03, ODD1).add(p03.blend(p02, ODD1).rearrange(XOR1));
                acc = x001.blend(x023, ODD2).add(x023.blend(x001, ODD2).rearrange(XOR2)).fma(dd, acc);
                IntVector n10 = v0.lanewise(VectorOperators.ASHR, 4).and(0x0F);
                IntVector n11 = v1.lanewise(VectorOperators.ASHR, 4).and(0x0F);
                IntVector n12 = v2.lanewise(VectorOperators.ASHR, 4).and(0x0F);
                IntVector n13 = v3.lanewise(VectorOperators.ASHR, 4).and(0x0F);
                n10 = n10.or(IntVector.broadcast(is, qh >>> (16)).lanewise(VectorOperators.LSHR, LANE_INDEX).and(1).lanewise(VectorOperators.LSHL, 4));
                n11 = n11.or(IntVector.broadcast(is, qh >>> (20)).lanewise(VectorOperators.LSHR, LANE_INDEX).and(1).lanewise(VectorOperators.LSHL, 4));
                n12 = n12.or(IntVector.broadcast(is, qh >>> (24)).lanewise(VectorOperators.LSHR, LANE_INDEX).and(1).lanewise(VectorOperators.LSHL, 4));
                n13 = n13.or(IntVector.broadcast(is, qh >>> (28)).lanewise(VectorOperators.LSHR, LANE_INDEX).and(1).lanewise(VectorOperators.LSHL, 4));
                FloatVector p10 = ((FloatVector) n10.sub(16).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 16));
                FloatVector p11 = ((FloatVector) n11.sub(16).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 20));
                FloatVector p12 = ((FloatVector) n12.sub(16).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 24));
                FloatVector p13 = ((FloatVector) n13.sub(16).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 28));
                FloatVector x101 = p10.blend(p11, ODD1).add(p11.blend(p10, ODD1).rearrange(XOR1));
                FloatVector x123 = p12.blend(p13, ODD1).add(p13.blend(p12, ODD1).rearrange(XOR1));
                accHi = x101.blend(x123, ODD2).add(x123.blend(x101, ODD2).rearrange(XOR2)).fma(dd, accHi);
            }
        }
        return hsumLanes(acc, accHi);
    }

    /** Q5_1 weights (24-byte blocks: f16 d, f16 m, fifth bits, nibbles; x = d q + m) with Q8_1 activations, as {@link #q4_1}. */
    @Override
    public float q5_1(MemorySegment w, long wOff, float[] q, int qOff, float[] d, int dOff, float[] s, int sOff, int nb) {
        FloatVector acc = FloatVector.zero(fs);
        FloatVector accHi = FloatVector.zero(fs);
        float summs = 0;
        for (int i = 0; i < nb; i++) {
            long b = wOff + 24 * i;
            int qb = qOff + 32 * i;
            summs += Float.float16ToFloat(w.get(SHORT_LE, b + 2)) * s[sOff + i];
            int qh = (int) w.get(INT_LE, b + 4);
            FloatVector dd = FloatVector.broadcast(fs, Float.float16ToFloat(w.get(SHORT_LE, b)) * d[dOff + i]);
            if (lanes == 16) {
                IntVector v = (IntVector) ByteVector.fromMemorySegment(bs, w, b + 8, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, is, 0);
                IntVector n0 = v.and(0x0F);
                IntVector n1 = v.lanewise(VectorOperators.ASHR, 4).and(0x0F);
                n0 = n0.or(IntVector.broadcast(is, qh >>> (0)).lanewise(VectorOperators.LSHR, LANE_INDEX).and(1).lanewise(VectorOperators.LSHL, 4));
                n1 = n1.or(IntVector.broadcast(is, qh >>> (16)).lanewise(VectorOperators.LSHR, LANE_INDEX).and(1).lanewise(VectorOperators.LSHL, 4));
                FloatVector p0 = ((FloatVector) n0.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb));
                FloatVector p1 = ((FloatVector) n1.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 16));
                FloatVector x01 = p0.blend(p1, ODD1).add(p1.blend(p0, ODD1).rearrange(XOR1));
                acc = x01.add(x01.rearrange(XOR2)).fma(dd, acc);
            } else if (lanes == 8) {
                IntVector v0 = (IntVector) ByteVector.fromMemorySegment(bs, w, b + 8, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, is, 0);
                IntVector v1 = (IntVector) ByteVector.fromMemorySegment(bs, w, b + 8 + 8, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, is, 0);
                IntVector n0 = v0.and(0x0F);
                IntVector n1 = v1.and(0x0F);
                IntVector n2 = v0.lanewise(VectorOperators.ASHR, 4).and(0x0F);
                IntVector n3 = v1.lanewise(VectorOperators.ASHR, 4).and(0x0F);
                n0 = n0.or(IntVector.broadcast(is, qh >>> (0)).lanewise(VectorOperators.LSHR, LANE_INDEX).and(1).lanewise(VectorOperators.LSHL, 4));
                n1 = n1.or(IntVector.broadcast(is, qh >>> (8)).lanewise(VectorOperators.LSHR, LANE_INDEX).and(1).lanewise(VectorOperators.LSHL, 4));
                n2 = n2.or(IntVector.broadcast(is, qh >>> (16)).lanewise(VectorOperators.LSHR, LANE_INDEX).and(1).lanewise(VectorOperators.LSHL, 4));
                n3 = n3.or(IntVector.broadcast(is, qh >>> (24)).lanewise(VectorOperators.LSHR, LANE_INDEX).and(1).lanewise(VectorOperators.LSHL, 4));
                FloatVector p0 = ((FloatVector) n0.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb));
                FloatVector p1 = ((FloatVector) n1.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 8));
                FloatVector p2 = ((FloatVector) n2.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 16));
                FloatVector p3 = ((FloatVector) n3.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 24));
                FloatVector x01 = p0.blend(p1, ODD1).add(p1.blend(p0, ODD1).rearrange(XOR1));
                FloatVector x23 = p2.blend(p3, ODD1).add(p3.blend(p2, ODD1).rearrange(XOR1));
                acc = x01.blend(x23, ODD2).add(x23.blend(x01, ODD2).rearrange(XOR2)).fma(dd, acc);
            } else {
                // 4 lanes: one run of 4 elements per vector; elements 0..15 into acc, 16..31 into accHi
                ByteVector b0 = ByteVector.fromMemorySegment(bs, w, b + 8, ByteOrder.LITTLE_ENDIAN);
                ByteVector b1 = ByteVector.fromMemorySegment(bs, w, b + 8 + 8, ByteOrder.LITTLE_ENDIAN);
                IntVector v0 = (IntVector) b0.convertShape(VectorOperators.B2I, is, 0);
                IntVector v1 = (IntVector) b0.convertShape(VectorOperators.B2I, is, 1);
                IntVector v2 = (IntVector) b1.convertShape(VectorOperators.B2I, is, 0);
                IntVector v3 = (IntVector) b1.convertShape(VectorOperators.B2I, is, 1);
                IntVector n00 = v0.and(0x0F);
                IntVector n01 = v1.and(0x0F);
                IntVector n02 = v2.and(0x0F);
                IntVector n03 = v3.and(0x0F);
                n00 = n00.or(IntVector.broadcast(is, qh >>> (0)).lanewise(VectorOperators.LSHR, LANE_INDEX).and(1).lanewise(VectorOperators.LSHL, 4));
                n01 = n01.or(IntVector.broadcast(is, qh >>> (4)).lanewise(VectorOperators.LSHR, LANE_INDEX).and(1).lanewise(VectorOperators.LSHL, 4));
                n02 = n02.or(IntVector.broadcast(is, qh >>> (8)).lanewise(VectorOperators.LSHR, LANE_INDEX).and(1).lanewise(VectorOperators.LSHL, 4));
                n03 = n03.or(IntVector.broadcast(is, qh >>> (12)).lanewise(VectorOperators.LSHR, LANE_INDEX).and(1).lanewise(VectorOperators.LSHL, 4));
                FloatVector p00 = ((FloatVector) n00.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb));
                FloatVector p01 = ((FloatVector) n01.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 4));
                FloatVector p02 = ((FloatVector) n02.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 8));
                FloatVector p03 = ((FloatVector) n03.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 12));
                FloatVector x001 = p00.blend(p01, ODD1).add(p01.blend(p00, ODD1).rearrange(XOR1));
                FloatVector x023 = p02.blend(p03, ODD1).add(p03.blend(p02, ODD1).rearrange(XOR1));
                acc = x001.blend(x023, ODD2).add(x023.blend(x001, ODD2).rearrange(XOR2)).fma(dd, acc);
                IntVector n10 = v0.lanewise(VectorOperators.ASHR, 4).and(0x0F);
                IntVector n11 = v1.lanewise(VectorOperators.ASHR, 4).and(0x0F);
                IntVector n12 = v2.lanewise(VectorOperators.ASHR, 4).and(0x0F);
                IntVector n13 = v3.lanewise(VectorOperators.ASHR, 4).and(0x0F);
                n10 = n10.or(IntVector.broadcast(is, qh >>> (16)).lanewise(VectorOperators.LSHR, LANE_INDEX).and(1).lanewise(VectorOperators.LSHL, 4));
                n11 = n11.or(IntVector.broadcast(is, qh >>> (20)).lanewise(VectorOperators.LSHR, LANE_INDEX).and(1).lanewise(VectorOperators.LSHL, 4));
                n12 = n12.or(IntVector.broadcast(is, qh >>> (24)).lanewise(VectorOperators.LSHR, LANE_INDEX).and(1).lanewise(VectorOperators.LSHL, 4));
                n13 = n13.or(IntVector.broadcast(is, qh >>> (28)).lanewise(VectorOperators.LSHR, LANE_INDEX).and(1).lanewise(VectorOperators.LSHL, 4));
                FloatVector p10 = ((FloatVector) n10.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 16));
                FloatVector p11 = ((FloatVector) n11.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 20));
                FloatVector p12 = ((FloatVector) n12.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 24));
                FloatVector p13 = ((FloatVector) n13.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, qb + 28));
                FloatVector x101 = p10.blend(p11, ODD1).add(p11.blend(p10, ODD1).rearrange(XOR1));
                FloatVector x123 = p12.blend(p13, ODD1).add(p13.blend(p12, ODD1).rearrange(XOR1));
                accHi = x101.blend(x123, ODD2).add(x123.blend(x101, ODD2).rearrange(XOR2)).fma(dd, accHi);
            }
        }
        return hsumLanes(acc, accHi) + summs;
    }

    /**
     * Q4_K weights (144-byte super-blocks of 256: f16 d, f16 dmin, 12 bytes of 6-bit scales and mins, 128 bytes
     * of nibbles) with Q8_K activations; the float steps are Q4KCodec.dot's (ggml's AVX2 vec_dot): 8 lanes, lane l
     * the scaled products of elements 4l..4l+3 of every sub-block of 32, fused with d per super-block; 4 mins lanes.
     * The scaled products accumulate per position in the sub-block (a0..a3: positions 0..lanes-1, ...), and the
     * QUADS tree turns those into the 8 lane sums once per super-block, laid out as {@link #hsumLanes} reads them.
     */
    @Override
    public float q4_K(MemorySegment w, long wOff, float[] q, int qOff, float[] d, int dOff, int[] sums, int sOff, int nb) {
        FloatVector acc = FloatVector.zero(fs);
        FloatVector accHi = FloatVector.zero(fs);
        float m0 = 0, m1 = 0, m2 = 0, m3 = 0;
        for (int i = 0; i < nb; i++) {
            long b = wOff + 144 * i;
            int qb = qOff + 256 * i;
            int sb = sOff + 8 * i;
            // The eight 6-bit scales and mins unpacked four to an int from the 12 scale bytes read as three ints
            // (ggml's get_scale_min_k4 on all bytes at once; masks drop the bits shifted in from neighbouring bytes).
            int b03 = (int) w.get(INT_LE, b + 4);
            int b47 = (int) w.get(INT_LE, b + 8);
            int hi = (int) w.get(INT_LE, b + 12);
            int sc03 = b03 & 0x3F3F3F3F;
            int sc47 = (hi & 0x0F0F0F0F) | ((b03 >>> 2) & 0x30303030);
            int mn03 = b47 & 0x3F3F3F3F;
            int mn47 = ((hi >>> 4) & 0x0F0F0F0F) | ((b47 >>> 2) & 0x30303030);
            float yd = d[dOff + i];
            float dd = yd * Float.float16ToFloat(w.get(SHORT_LE, b));
            float dmin = -yd * Float.float16ToFloat(w.get(SHORT_LE, b + 2));
            m0 = Math.fma(dmin, (float) (sums[sb] * (mn03 & 0xFF) + sums[sb + 1] * ((mn03 >>> 8) & 0xFF)), m0);
            m1 = Math.fma(dmin, (float) (sums[sb + 2] * ((mn03 >>> 16) & 0xFF) + sums[sb + 3] * (mn03 >>> 24)), m1);
            m2 = Math.fma(dmin, (float) (sums[sb + 4] * (mn47 & 0xFF) + sums[sb + 5] * ((mn47 >>> 8) & 0xFF)), m2);
            m3 = Math.fma(dmin, (float) (sums[sb + 6] * ((mn47 >>> 16) & 0xFF) + sums[sb + 7] * (mn47 >>> 24)), m3);
            // a_k: scaled products at positions k * lanes .. of each sub-block (all exact integers below 2^24);
            // at 4 lanes a0..a7 hold positions 4k..4k+3, one AVX2 lane each.
            FloatVector a0 = FloatVector.zero(fs), a1 = FloatVector.zero(fs), a2 = FloatVector.zero(fs), a3 = FloatVector.zero(fs);
            FloatVector a4 = FloatVector.zero(fs), a5 = FloatVector.zero(fs), a6 = FloatVector.zero(fs), a7 = FloatVector.zero(fs);
            for (int j = 0; j < 4; j++) {
                int sc = j < 2 ? sc03 : sc47;
                int shift = (j & 1) << 4;
                FloatVector sLo = FloatVector.broadcast(fs, (float) ((sc >>> shift) & 0xFF));
                FloatVector sHi = FloatVector.broadcast(fs, (float) ((sc >>> (shift + 8)) & 0xFF));
                long wq = b + 16 + 32 * j;
                int e = qb + 64 * j;
                if (lanes == 16) {
                    IntVector v0 = (IntVector) ByteVector.fromMemorySegment(bs, w, wq, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, is, 0);
                    IntVector v1 = (IntVector) ByteVector.fromMemorySegment(bs, w, wq + 16, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, is, 0);
                    {
                        IntVector vi = v0;
                        FloatVector lo = ((FloatVector) vi.and(0x0F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, e));
                        FloatVector hv = ((FloatVector) vi.lanewise(VectorOperators.ASHR, 4).and(0x0F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, e + 32));
                        a0 = hv.fma(sHi, lo.fma(sLo, a0));
                    }
                    {
                        IntVector vi = v1;
                        FloatVector lo = ((FloatVector) vi.and(0x0F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, e + 16));
                        FloatVector hv = ((FloatVector) vi.lanewise(VectorOperators.ASHR, 4).and(0x0F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, e + 16 + 32));
                        a1 = hv.fma(sHi, lo.fma(sLo, a1));
                    }
                } else if (lanes == 8) {
                    {
                        IntVector vi = (IntVector) ByteVector.fromMemorySegment(bs, w, wq, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, is, 0);
                        FloatVector lo = ((FloatVector) vi.and(0x0F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, e));
                        FloatVector hv = ((FloatVector) vi.lanewise(VectorOperators.ASHR, 4).and(0x0F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, e + 32));
                        a0 = hv.fma(sHi, lo.fma(sLo, a0));
                    }
                    {
                        IntVector vi = (IntVector) ByteVector.fromMemorySegment(bs, w, wq + 8, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, is, 0);
                        FloatVector lo = ((FloatVector) vi.and(0x0F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, e + 8));
                        FloatVector hv = ((FloatVector) vi.lanewise(VectorOperators.ASHR, 4).and(0x0F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, e + 8 + 32));
                        a1 = hv.fma(sHi, lo.fma(sLo, a1));
                    }
                    {
                        IntVector vi = (IntVector) ByteVector.fromMemorySegment(bs, w, wq + 16, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, is, 0);
                        FloatVector lo = ((FloatVector) vi.and(0x0F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, e + 16));
                        FloatVector hv = ((FloatVector) vi.lanewise(VectorOperators.ASHR, 4).and(0x0F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, e + 16 + 32));
                        a2 = hv.fma(sHi, lo.fma(sLo, a2));
                    }
                    {
                        IntVector vi = (IntVector) ByteVector.fromMemorySegment(bs, w, wq + 24, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2I, is, 0);
                        FloatVector lo = ((FloatVector) vi.and(0x0F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, e + 24));
                        FloatVector hv = ((FloatVector) vi.lanewise(VectorOperators.ASHR, 4).and(0x0F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, e + 24 + 32));
                        a3 = hv.fma(sHi, lo.fma(sLo, a3));
                    }
                } else {
                    ByteVector v0 = ByteVector.fromMemorySegment(bs, w, wq, ByteOrder.LITTLE_ENDIAN);
                    ByteVector v1 = ByteVector.fromMemorySegment(bs, w, wq + 8, ByteOrder.LITTLE_ENDIAN);
                    ByteVector v2 = ByteVector.fromMemorySegment(bs, w, wq + 16, ByteOrder.LITTLE_ENDIAN);
                    ByteVector v3 = ByteVector.fromMemorySegment(bs, w, wq + 24, ByteOrder.LITTLE_ENDIAN);
                    {
                        IntVector vi = (IntVector) v0.convertShape(VectorOperators.B2I, is, 0);
                        FloatVector lo = ((FloatVector) vi.and(0x0F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, e));
                        FloatVector hv = ((FloatVector) vi.lanewise(VectorOperators.ASHR, 4).and(0x0F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, e + 32));
                        a0 = hv.fma(sHi, lo.fma(sLo, a0));
                    }
                    {
                        IntVector vi = (IntVector) v0.convertShape(VectorOperators.B2I, is, 1);
                        FloatVector lo = ((FloatVector) vi.and(0x0F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, e + 4));
                        FloatVector hv = ((FloatVector) vi.lanewise(VectorOperators.ASHR, 4).and(0x0F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, e + 4 + 32));
                        a1 = hv.fma(sHi, lo.fma(sLo, a1));
                    }
                    {
                        IntVector vi = (IntVector) v1.convertShape(VectorOperators.B2I, is, 0);
                        FloatVector lo = ((FloatVector) vi.and(0x0F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, e + 8));
                        FloatVector hv = ((FloatVector) vi.lanewise(VectorOperators.ASHR, 4).and(0x0F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, e + 8 + 32));
                        a2 = hv.fma(sHi, lo.fma(sLo, a2));
                    }
                    {
                        IntVector vi = (IntVector) v1.convertShape(VectorOperators.B2I, is, 1);
                        FloatVector lo = ((FloatVector) vi.and(0x0F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, e + 12));
                        FloatVector hv = ((FloatVector) vi.lanewise(VectorOperators.ASHR, 4).and(0x0F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, e + 12 + 32));
                        a3 = hv.fma(sHi, lo.fma(sLo, a3));
                    }
                    {
                        IntVector vi = (IntVector) v2.convertShape(VectorOperators.B2I, is, 0);
                        FloatVector lo = ((FloatVector) vi.and(0x0F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, e + 16));
                        FloatVector hv = ((FloatVector) vi.lanewise(VectorOperators.ASHR, 4).and(0x0F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, e + 16 + 32));
                        a4 = hv.fma(sHi, lo.fma(sLo, a4));
                    }
                    {
                        IntVector vi = (IntVector) v2.convertShape(VectorOperators.B2I, is, 1);
                        FloatVector lo = ((FloatVector) vi.and(0x0F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, e + 20));
                        FloatVector hv = ((FloatVector) vi.lanewise(VectorOperators.ASHR, 4).and(0x0F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, e + 20 + 32));
                        a5 = hv.fma(sHi, lo.fma(sLo, a5));
                    }
                    {
                        IntVector vi = (IntVector) v3.convertShape(VectorOperators.B2I, is, 0);
                        FloatVector lo = ((FloatVector) vi.and(0x0F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, e + 24));
                        FloatVector hv = ((FloatVector) vi.lanewise(VectorOperators.ASHR, 4).and(0x0F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, e + 24 + 32));
                        a6 = hv.fma(sHi, lo.fma(sLo, a6));
                    }
                    {
                        IntVector vi = (IntVector) v3.convertShape(VectorOperators.B2I, is, 1);
                        FloatVector lo = ((FloatVector) vi.and(0x0F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, e + 28));
                        FloatVector hv = ((FloatVector) vi.lanewise(VectorOperators.ASHR, 4).and(0x0F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(fs, q, e + 28 + 32));
                        a7 = hv.fma(sHi, lo.fma(sLo, a7));
                    }
                }
            }
            if (lanes == 16) {
                FloatVector x01 = a0.blend(a1, ODD1).add(a1.blend(a0, ODD1).rearrange(XOR1));
                acc = x01.add(x01.rearrange(XOR2)).fma(FloatVector.broadcast(fs, dd), acc);
            } else {
                FloatVector x01 = a0.blend(a1, ODD1).add(a1.blend(a0, ODD1).rearrange(XOR1));
                FloatVector x23 = a2.blend(a3, ODD1).add(a3.blend(a2, ODD1).rearrange(XOR1));
                acc = x01.blend(x23, ODD2).add(x23.blend(x01, ODD2).rearrange(XOR2)).fma(FloatVector.broadcast(fs, dd), acc);
                if (lanes == 4) {
                    FloatVector x45 = a4.blend(a5, ODD1).add(a5.blend(a4, ODD1).rearrange(XOR1));
                    FloatVector x67 = a6.blend(a7, ODD1).add(a7.blend(a6, ODD1).rearrange(XOR1));
                    accHi = x45.blend(x67, ODD2).add(x67.blend(x45, ODD2).rearrange(XOR2)).fma(FloatVector.broadcast(fs, dd), accHi);
                }
            }
        }
        return hsumLanes(acc, accHi) + ((m0 + m2) + (m1 + m3));
    }

    /**
     * {@link #q4_K} in the float order of llama.cpp's repacked Q4_K kernels, as Q4KCodec.repackedDot: the exact
     * integer sums (scale * nibble * quant, min * block sum) per super-block ({@code gemm} false, the gemv
     * kernel) or per 64 elements ({@code gemm}), each times (d or dmin) * activation d into two fused chains.
     */
    @Override
    public float q4_KRepacked(MemorySegment w, long wOff, float[] q, int qOff, float[] d, int dOff, int[] sums, int sOff, int nb,
                              boolean gemm) {
        float acc = 0;
        float accMin = 0;
        for (int i = 0; i < nb; i++) {
            long b = wOff + 144 * i;
            int qb = qOff + 256 * i;
            int sb = sOff + 8 * i;
            int b03 = (int) w.get(INT_LE, b + 4);
            int b47 = (int) w.get(INT_LE, b + 8);
            int hi = (int) w.get(INT_LE, b + 12);
            int sc03 = b03 & 0x3F3F3F3F;
            int sc47 = (hi & 0x0F0F0F0F) | ((b03 >>> 2) & 0x30303030);
            int mn03 = b47 & 0x3F3F3F3F;
            int mn47 = ((hi >>> 4) & 0x0F0F0F0F) | ((b47 >>> 2) & 0x30303030);
            float da = d[dOff + i];
            float dd = Float.float16ToFloat(w.get(SHORT_LE, b)) * da;
            float dm = Float.float16ToFloat(w.get(SHORT_LE, b + 2)) * da;
            // Integer lanes (exact in floats, every lane below 2^24): the whole super-block for gemv, one pair of
            // sub-blocks at a time for gemm.
            FloatVector a = FloatVector.zero(fs);
            for (int j = 0; j < 4; j++) {
                int sc = j < 2 ? sc03 : sc47;
                int mn = j < 2 ? mn03 : mn47;
                int shift = (j & 1) << 4;
                FloatVector lo = FloatVector.zero(fs);
                FloatVector hv = FloatVector.zero(fs);
                for (int l = 0; l < 32; l += byteLanes) {
                    ByteVector v = ByteVector.fromMemorySegment(bs, w, b + 16 + 32 * j + l, ByteOrder.LITTLE_ENDIAN);
                    for (int p = 0; p < parts; p++) {
                        IntVector vi = (IntVector) v.convertShape(VectorOperators.B2I, is, p);
                        FloatVector fl = (FloatVector) vi.and(0x0F).convert(VectorOperators.I2F, 0);
                        FloatVector fh = (FloatVector) vi.lanewise(VectorOperators.ASHR, 4).and(0x0F).convert(VectorOperators.I2F, 0);
                        int e = qb + 64 * j + l + p * lanes;
                        lo = fl.fma(FloatVector.fromArray(fs, q, e), lo);
                        hv = fh.fma(FloatVector.fromArray(fs, q, e + 32), hv);
                    }
                }
                a = hv.fma(FloatVector.broadcast(fs, (float) ((sc >>> (shift + 8)) & 0xFF)), lo.fma(FloatVector.broadcast(fs, (float) ((sc >>> shift) & 0xFF)), a));
                if (gemm) {
                    int mins = sums[sb + 2 * j] * ((mn >>> shift) & 0xFF) + sums[sb + 2 * j + 1] * ((mn >>> (shift + 8)) & 0xFF);
                    acc = Math.fma(exact(a), dd, acc);
                    accMin = Math.fma((float) mins, dm, accMin);
                    a = FloatVector.zero(fs);
                }
            }
            if (!gemm) {
                acc = Math.fma(exact(a), dd, acc);
                accMin = Math.fma((float) minSum(sums, sb, mn03, mn47), dm, accMin);
            }
        }
        return acc - accMin;
    }

    /**
     * {@link #q4_KRepacked} in gemv order of two weight rows {@code w[wOff0 ..]} and {@code w[wOff1 ..]} with one
     * activation row, to {@code out[o0]} and {@code out[o1]}: each activation load serves both rows, and the two
     * rows' chains interleave. Each row's integer sums and float steps are those of the one-row form.
     */
    @Override
    public void q4_KRepacked2(byte[] w, int wOff0, int wOff1, float[] q, int qOff, float[] d, int dOff, int[] sums, int sOff,
                              int nb, float[] out, int o0, int o1) {
        float acc0 = 0, accMin0 = 0, acc1 = 0, accMin1 = 0;
        for (int i = 0; i < nb; i++) {
            int b = wOff0 + 144 * i;
            int c = wOff1 + 144 * i;
            int qb = qOff + 256 * i;
            int sb = sOff + 8 * i;
            int b03 = (int) INT_AT.get(w, b + 4);
            int b47 = (int) INT_AT.get(w, b + 8);
            int bhi = (int) INT_AT.get(w, b + 12);
            int c03 = (int) INT_AT.get(w, c + 4);
            int c47 = (int) INT_AT.get(w, c + 8);
            int chi = (int) INT_AT.get(w, c + 12);
            int bsc03 = b03 & 0x3F3F3F3F;
            int bsc47 = (bhi & 0x0F0F0F0F) | ((b03 >>> 2) & 0x30303030);
            int csc03 = c03 & 0x3F3F3F3F;
            int csc47 = (chi & 0x0F0F0F0F) | ((c03 >>> 2) & 0x30303030);
            float da = d[dOff + i];
            FloatVector a = FloatVector.zero(fs);
            FloatVector e = FloatVector.zero(fs);
            for (int j = 0; j < 4; j++) {
                int bsc = j < 2 ? bsc03 : bsc47;
                int csc = j < 2 ? csc03 : csc47;
                int shift = (j & 1) << 4;
                FloatVector lo = FloatVector.zero(fs);
                FloatVector hv = FloatVector.zero(fs);
                FloatVector lo1 = FloatVector.zero(fs);
                FloatVector hv1 = FloatVector.zero(fs);
                for (int l = 0; l < 32; l += byteLanes) {
                    ByteVector v = ByteVector.fromArray(bs, w, b + 16 + 32 * j + l);
                    ByteVector u = ByteVector.fromArray(bs, w, c + 16 + 32 * j + l);
                    for (int p = 0; p < parts; p++) {
                        int at = qb + 64 * j + l + p * lanes;
                        FloatVector ql = FloatVector.fromArray(fs, q, at);
                        FloatVector qh = FloatVector.fromArray(fs, q, at + 32);
                        IntVector vi = (IntVector) v.convertShape(VectorOperators.B2I, is, p);
                        IntVector ui = (IntVector) u.convertShape(VectorOperators.B2I, is, p);
                        lo = ((FloatVector) vi.and(0x0F).convert(VectorOperators.I2F, 0)).fma(ql, lo);
                        hv = ((FloatVector) vi.lanewise(VectorOperators.ASHR, 4).and(0x0F).convert(VectorOperators.I2F, 0)).fma(qh, hv);
                        lo1 = ((FloatVector) ui.and(0x0F).convert(VectorOperators.I2F, 0)).fma(ql, lo1);
                        hv1 = ((FloatVector) ui.lanewise(VectorOperators.ASHR, 4).and(0x0F).convert(VectorOperators.I2F, 0)).fma(qh, hv1);
                    }
                }
                a = hv.fma(FloatVector.broadcast(fs, (float) ((bsc >>> (shift + 8)) & 0xFF)), lo.fma(FloatVector.broadcast(fs, (float) ((bsc >>> shift) & 0xFF)), a));
                e = hv1.fma(FloatVector.broadcast(fs, (float) ((csc >>> (shift + 8)) & 0xFF)), lo1.fma(FloatVector.broadcast(fs, (float) ((csc >>> shift) & 0xFF)), e));
            }
            acc0 = Math.fma(exact(a), Float.float16ToFloat((short) SHORT_AT.get(w, b)) * da, acc0);
            accMin0 = Math.fma((float) minSum(sums, sb, b47 & 0x3F3F3F3F, ((bhi >>> 4) & 0x0F0F0F0F) | ((b47 >>> 2) & 0x30303030)),
                    Float.float16ToFloat((short) SHORT_AT.get(w, b + 2)) * da, accMin0);
            acc1 = Math.fma(exact(e), Float.float16ToFloat((short) SHORT_AT.get(w, c)) * da, acc1);
            accMin1 = Math.fma((float) minSum(sums, sb, c47 & 0x3F3F3F3F, ((chi >>> 4) & 0x0F0F0F0F) | ((c47 >>> 2) & 0x30303030)),
                    Float.float16ToFloat((short) SHORT_AT.get(w, c + 2)) * da, accMin1);
        }
        out[o0] = acc0 - accMin0;
        out[o1] = acc1 - accMin1;
    }

    /**
     * Q5_K weights (176-byte super-blocks of 256: f16 d, f16 dmin, 12 scale bytes as Q4_K, 32 bytes of fifth
     * bits, 128 bytes of nibbles as Q4_K; bit s of qh[l] is the fifth bit of element 32s + l) with Q8_K
     * activations; the float steps are Q5KCodec.dot's, as {@link #q4_K}.
     */
    @Override
    public float q5_K(MemorySegment w, long wOff, float[] q, int qOff, float[] d, int dOff, int[] sums, int sOff, int nb) {
        float sumf = 0;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        for (int i = 0; i < nb; i++) {
            long b = wOff + 176 * i;
            int qb = qOff + 256 * i;
            int sb = sOff + 8 * i;
            long sc8 = (long) w.get(LONG_LE, b + 4);
            int sc4 = (int) w.get(INT_LE, b + 12);
            int sumi = 0;
            for (int j = 0; j < 8; j++) {
                sumi += sums[sb + j] * VectorDots.minK4(sc8, sc4, j);
            }
            FloatVector even = FloatVector.zero(fs);
            FloatVector odd = FloatVector.zero(fs);
            for (int j = 0; j < 4; j++) {
                long qs = b + 48 + 32 * j;
                int e = qb + 64 * j;
                FloatVector sLo = FloatVector.broadcast(fs, (float) VectorDots.scaleK4(sc8, sc4, 2 * j));
                FloatVector sHi = FloatVector.broadcast(fs, (float) VectorDots.scaleK4(sc8, sc4, 2 * j + 1));
                for (int l = 0; l < 32; l += byteLanes) {
                    ByteVector v = ByteVector.fromMemorySegment(bs, w, qs + l, ByteOrder.LITTLE_ENDIAN);
                    ByteVector vh = ByteVector.fromMemorySegment(bs, w, b + 16 + l, ByteOrder.LITTLE_ENDIAN);
                    ByteVector vl = v.and((byte) 0x0F).or(shiftedBits(vh, 2 * j, (byte) 1, 4));
                    ByteVector vu = highNibbles(v).or(shiftedBits(vh, 2 * j + 1, (byte) 1, 4));
                    for (int p = 0; p < parts; p++) {
                        int a = e + l + p * lanes;
                        FloatVector t = (p & 1) == 0 ? even : odd;
                        t = ((FloatVector) vl.convertShape(VectorOperators.B2F, fs, p)).mul(sLo).fma(FloatVector.fromArray(fs, q, a), t);
                        t = ((FloatVector) vu.convertShape(VectorOperators.B2F, fs, p)).mul(sHi).fma(FloatVector.fromArray(fs, q, a + 32), t);
                        if ((p & 1) == 0) {
                            even = t;
                        } else {
                            odd = t;
                        }
                    }
                }
            }
            float dd = Float.float16ToFloat(w.get(SHORT_LE, b)) * d[dOff + i];
            s0 += dd * mod8(even, odd, 0);
            s1 += dd * mod8(even, odd, 1);
            s2 += dd * mod8(even, odd, 2);
            s3 += dd * mod8(even, odd, 3);
            s4 += dd * mod8(even, odd, 4);
            s5 += dd * mod8(even, odd, 5);
            s6 += dd * mod8(even, odd, 6);
            s7 += dd * mod8(even, odd, 7);
            float dmin = Float.float16ToFloat(w.get(SHORT_LE, b + 2)) * d[dOff + i];
            sumf -= dmin * sumi;
        }
        sumf += s0;
        sumf += s1;
        sumf += s2;
        sumf += s3;
        sumf += s4;
        sumf += s5;
        sumf += s6;
        sumf += s7;
        return sumf;
    }

    /**
     * {@code ((v >>> from) & mask) << to} in each byte, through short lanes (x86 has no byte shifts): the
     * mask drops the bits that crossed from the neighbouring byte, and the masked value cannot cross back.
     */
    private static ByteVector shiftedBits(ByteVector v, int from, byte mask, int to) {
        return v.reinterpretAsShorts().lanewise(VectorOperators.LSHR, from).reinterpretAsBytes().and(mask)
                .reinterpretAsShorts().lanewise(VectorOperators.LSHL, to).reinterpretAsBytes();
    }

    /**
     * Q6_K weights (210-byte super-blocks of 256: 128 bytes of low nibbles, 64 of high bit pairs, 16 int8
     * scales, f16 d) with Q8_K activations. Element 128h + 32c + l: nibble of ql[64h + l + 32(c & 1)] (low
     * for c < 2), bits 2c..2c+1 of qh[32h + l], minus 32; scale 8h + 2c + l / 16. The float steps are
     * Q6KCodec.dot's, as {@link #q4_K}.
     */
    @Override
    public float q6_K(MemorySegment w, long wOff, float[] q, int qOff, float[] d, int dOff, int nb) {
        FloatVector s0 = FloatVector.zero(fs);
        FloatVector s1 = FloatVector.zero(fs);
        for (int i = 0; i < nb; i++) {
            long b = wOff + 210 * i;
            int qb = qOff + 256 * i;
            // Lane sums of scale * q6 * quant: exact integers, at most 2^24 once folded mod 8. One accumulator per
            // quarter c (and part p at 128 bits) keeps the chains of dependent fmas short.
            FloatVector c00 = FloatVector.zero(fs), c01 = FloatVector.zero(fs), c02 = FloatVector.zero(fs), c03 = FloatVector.zero(fs);
            FloatVector c10 = FloatVector.zero(fs), c11 = FloatVector.zero(fs), c12 = FloatVector.zero(fs), c13 = FloatVector.zero(fs);
            // At 16 lanes the sixteen int8 scales as float lanes: scale 8h + g + 2c sits in lane 2c once the vector
            // has moved down by 8h + g (by one per 16 elements, six more per half), broadcast by permutes.
            FloatVector scv = (FloatVector) ByteVector.fromMemorySegment(bs, w, b + 192, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2F, fs, 0);
            for (int h = 0; h < 2; h++) {
                long ql = b + 64 * h;
                long qh = b + 128 + 32 * h;
                int e = qb + 128 * h;
                for (int l = 0; l < 32; l += byteLanes) {
                    // One load each of the two nibble rows and the high bits serves all four quarters c.
                    ByteVector va = ByteVector.fromMemorySegment(bs, w, ql + l, ByteOrder.LITTLE_ENDIAN);
                    ByteVector vb = ByteVector.fromMemorySegment(bs, w, ql + 32 + l, ByteOrder.LITTLE_ENDIAN);
                    ByteVector vh = ByteVector.fromMemorySegment(bs, w, qh + l, ByteOrder.LITTLE_ENDIAN);
                    int g = l >> 4;
                    long sc = b + 192 + 8 * h + g;
                    FloatVector sc0, sc1, sc2, sc3;
                    if (lanes == 16) {
                        sc0 = scv.rearrange(LANE0);
                        sc1 = scv.rearrange(LANE2);
                        sc2 = scv.rearrange(LANE4);
                        sc3 = scv.rearrange(LANE6);
                        scv = scv.rearrange(DOWN1);
                    } else {
                        sc0 = FloatVector.broadcast(fs, (float) w.get(ValueLayout.JAVA_BYTE, sc));
                        sc1 = FloatVector.broadcast(fs, (float) w.get(ValueLayout.JAVA_BYTE, sc + 2));
                        sc2 = FloatVector.broadcast(fs, (float) w.get(ValueLayout.JAVA_BYTE, sc + 4));
                        sc3 = FloatVector.broadcast(fs, (float) w.get(ValueLayout.JAVA_BYTE, sc + 6));
                    }
                    for (int p = 0; p < parts; p++) {
                        IntVector a = (IntVector) va.convertShape(VectorOperators.B2I, is, p);
                        IntVector c = (IntVector) vb.convertShape(VectorOperators.B2I, is, p);
                        IntVector hb = (IntVector) vh.convertShape(VectorOperators.B2I, is, p);
                        FloatVector q0 = (FloatVector) a.and(0x0F).or(hb.and(0x03).lanewise(VectorOperators.LSHL, 4))
                                .sub(32).convert(VectorOperators.I2F, 0);
                        FloatVector q1 = (FloatVector) c.and(0x0F).or(hb.lanewise(VectorOperators.LSHL, 2).and(0x30))
                                .sub(32).convert(VectorOperators.I2F, 0);
                        FloatVector q2 = (FloatVector) a.lanewise(VectorOperators.ASHR, 4).and(0x0F).or(hb.and(0x30))
                                .sub(32).convert(VectorOperators.I2F, 0);
                        FloatVector q3 = (FloatVector) c.lanewise(VectorOperators.ASHR, 4).and(0x0F)
                                .or(hb.lanewise(VectorOperators.ASHR, 2).and(0x30)).sub(32).convert(VectorOperators.I2F, 0);
                        int o = e + l + p * lanes;
                        FloatVector t0 = q0.mul(FloatVector.fromArray(fs, q, o));
                        FloatVector t1 = q1.mul(FloatVector.fromArray(fs, q, o + 32));
                        FloatVector t2 = q2.mul(FloatVector.fromArray(fs, q, o + 64));
                        FloatVector t3 = q3.mul(FloatVector.fromArray(fs, q, o + 96));
                        if (p == 0) {
                            c00 = t0.fma(sc0, c00);
                            c01 = t1.fma(sc1, c01);
                            c02 = t2.fma(sc2, c02);
                            c03 = t3.fma(sc3, c03);
                        } else {
                            c10 = t0.fma(sc0, c10);
                            c11 = t1.fma(sc1, c11);
                            c12 = t2.fma(sc2, c12);
                            c13 = t3.fma(sc3, c13);
                        }
                    }
                }
                if (lanes == 16) {
                    scv = scv.rearrange(DOWN6);
                }
            }
            FloatVector acc0 = c00.add(c01).add(c02.add(c03));
            FloatVector acc1 = c10.add(c11).add(c12.add(c13));
            float dd = Float.float16ToFloat(w.get(SHORT_LE, b + 208)) * d[dOff + i];
            // At 512 bits lanes k and k + 8 meet with one swap of the halves (written out here: as a helper
            // method C2 sometimes left it uninlined, boxed and interpreted).
            if (lanes == 16) {
                acc0 = acc0.add(acc0.rearrange(SWAP_HALVES));
            }
            s0 = s0.add(acc0.mul(dd));
            if (parts == 2) {
                s1 = s1.add(acc1.mul(dd));
            }
        }
        // addMod8 written out: as a call it was left uninlined here, boxing s0 and s1 on every row.
        float sumf = 0;
        if (lanes == 4) {
            for (int k = 0; k < 4; k++) {
                sumf += s0.lane(k);
            }
            for (int k = 0; k < 4; k++) {
                sumf += s1.lane(k);
            }
        } else {
            for (int k = 0; k < 8; k++) {
                sumf += s0.lane(k);
            }
        }
        return sumf;
    }

    /**
     * {@code sumf += s_0; ...; sumf += s_7} in that order, the codecs' closing sum: s_k is lane k of {@code s0}
     * (lanes 0..3 of {@code s0} then of {@code s1} at 128 bits).
     */
    private static float addMod8(float sumf, FloatVector s0, FloatVector s1) {
        if (lanes == 4) {
            for (int k = 0; k < 4; k++) {
                sumf += s0.lane(k);
            }
            for (int k = 0; k < 4; k++) {
                sumf += s1.lane(k);
            }
            return sumf;
        }
        for (int k = 0; k < 8; k++) {
            sumf += s0.lane(k);
        }
        return sumf;
    }

    /** Whether the four-row kernels ({@code *x4}) run tiled here: at 128 bits a byte vector spans two float vectors and they loop over the single-row ones. */
    @Override
    public boolean tiled() {
        return parts == 1;
    }

    /**
     * {@link #q8_0} of one weight row with four activation rows t = 0..3 (quants at {@code qOff + t * qStep},
     * scales at {@code dOff + t * dStep}), to {@code out[outOff + t * outStep]}: each block's weights are
     * widened once for all four, every result is the single-row float.
     */
    @Override
    public void q8_0x4(byte[] w, int wOff, float[] q, int qOff, int qStep, float[] d, int dOff, int dStep, int nb,
                       float[] out, int outOff, int outStep) {
        if (parts != 1) {
            for (int t = 0; t < 4; t++) {
                out[outOff + t * outStep] = q8_0(MemorySegment.ofArray(w), wOff, q, qOff + t * qStep, d, dOff + t * dStep, nb);
            }
            return;
        }
        FloatVector c0 = FloatVector.zero(fs), c1 = FloatVector.zero(fs), c2 = FloatVector.zero(fs), c3 = FloatVector.zero(fs);
        for (int i = 0; i < nb; i++) {
            int b = wOff + 34 * i;
            int qb = qOff + 32 * i;
            int s = dOff + i;
            float dw = Float.float16ToFloat((short) SHORT_AT.get(w, b));
            if (lanes == 16) {
                FloatVector w0 = (FloatVector) ByteVector.fromArray(bs, w, b + 2).convertShape(VectorOperators.B2F, fs, 0);
                FloatVector w1 = (FloatVector) ByteVector.fromArray(bs, w, b + 18).convertShape(VectorOperators.B2F, fs, 0);
                {
                    FloatVector p0 = w0.mul(FloatVector.fromArray(fs, q, qb));
                    FloatVector p1 = w1.mul(FloatVector.fromArray(fs, q, qb + 16));
                    FloatVector x01 = p0.blend(p1, ODD1).add(p1.blend(p0, ODD1).rearrange(XOR1));
                    c0 = x01.add(x01.rearrange(XOR2)).fma(FloatVector.broadcast(fs, dw * d[s]), c0);
                }
                {
                    FloatVector p0 = w0.mul(FloatVector.fromArray(fs, q, qb + qStep));
                    FloatVector p1 = w1.mul(FloatVector.fromArray(fs, q, qb + qStep + 16));
                    FloatVector x01 = p0.blend(p1, ODD1).add(p1.blend(p0, ODD1).rearrange(XOR1));
                    c1 = x01.add(x01.rearrange(XOR2)).fma(FloatVector.broadcast(fs, dw * d[s + dStep]), c1);
                }
                {
                    FloatVector p0 = w0.mul(FloatVector.fromArray(fs, q, qb + 2 * qStep));
                    FloatVector p1 = w1.mul(FloatVector.fromArray(fs, q, qb + 2 * qStep + 16));
                    FloatVector x01 = p0.blend(p1, ODD1).add(p1.blend(p0, ODD1).rearrange(XOR1));
                    c2 = x01.add(x01.rearrange(XOR2)).fma(FloatVector.broadcast(fs, dw * d[s + 2 * dStep]), c2);
                }
                {
                    FloatVector p0 = w0.mul(FloatVector.fromArray(fs, q, qb + 3 * qStep));
                    FloatVector p1 = w1.mul(FloatVector.fromArray(fs, q, qb + 3 * qStep + 16));
                    FloatVector x01 = p0.blend(p1, ODD1).add(p1.blend(p0, ODD1).rearrange(XOR1));
                    c3 = x01.add(x01.rearrange(XOR2)).fma(FloatVector.broadcast(fs, dw * d[s + 3 * dStep]), c3);
                }
            } else {
                FloatVector w0 = (FloatVector) ByteVector.fromArray(bs, w, b + 2).convertShape(VectorOperators.B2F, fs, 0);
                FloatVector w1 = (FloatVector) ByteVector.fromArray(bs, w, b + 10).convertShape(VectorOperators.B2F, fs, 0);
                FloatVector w2 = (FloatVector) ByteVector.fromArray(bs, w, b + 18).convertShape(VectorOperators.B2F, fs, 0);
                FloatVector w3 = (FloatVector) ByteVector.fromArray(bs, w, b + 26).convertShape(VectorOperators.B2F, fs, 0);
                {
                    FloatVector p0 = w0.mul(FloatVector.fromArray(fs, q, qb));
                    FloatVector p1 = w1.mul(FloatVector.fromArray(fs, q, qb + 8));
                    FloatVector p2 = w2.mul(FloatVector.fromArray(fs, q, qb + 16));
                    FloatVector p3 = w3.mul(FloatVector.fromArray(fs, q, qb + 24));
                    FloatVector x01 = p0.blend(p1, ODD1).add(p1.blend(p0, ODD1).rearrange(XOR1));
                    FloatVector x23 = p2.blend(p3, ODD1).add(p3.blend(p2, ODD1).rearrange(XOR1));
                    c0 = x01.blend(x23, ODD2).add(x23.blend(x01, ODD2).rearrange(XOR2)).fma(FloatVector.broadcast(fs, dw * d[s]), c0);
                }
                {
                    FloatVector p0 = w0.mul(FloatVector.fromArray(fs, q, qb + qStep));
                    FloatVector p1 = w1.mul(FloatVector.fromArray(fs, q, qb + qStep + 8));
                    FloatVector p2 = w2.mul(FloatVector.fromArray(fs, q, qb + qStep + 16));
                    FloatVector p3 = w3.mul(FloatVector.fromArray(fs, q, qb + qStep + 24));
                    FloatVector x01 = p0.blend(p1, ODD1).add(p1.blend(p0, ODD1).rearrange(XOR1));
                    FloatVector x23 = p2.blend(p3, ODD1).add(p3.blend(p2, ODD1).rearrange(XOR1));
                    c1 = x01.blend(x23, ODD2).add(x23.blend(x01, ODD2).rearrange(XOR2)).fma(FloatVector.broadcast(fs, dw * d[s + dStep]), c1);
                }
                {
                    FloatVector p0 = w0.mul(FloatVector.fromArray(fs, q, qb + 2 * qStep));
                    FloatVector p1 = w1.mul(FloatVector.fromArray(fs, q, qb + 2 * qStep + 8));
                    FloatVector p2 = w2.mul(FloatVector.fromArray(fs, q, qb + 2 * qStep + 16));
                    FloatVector p3 = w3.mul(FloatVector.fromArray(fs, q, qb + 2 * qStep + 24));
                    FloatVector x01 = p0.blend(p1, ODD1).add(p1.blend(p0, ODD1).rearrange(XOR1));
                    FloatVector x23 = p2.blend(p3, ODD1).add(p3.blend(p2, ODD1).rearrange(XOR1));
                    c2 = x01.blend(x23, ODD2).add(x23.blend(x01, ODD2).rearrange(XOR2)).fma(FloatVector.broadcast(fs, dw * d[s + 2 * dStep]), c2);
                }
                {
                    FloatVector p0 = w0.mul(FloatVector.fromArray(fs, q, qb + 3 * qStep));
                    FloatVector p1 = w1.mul(FloatVector.fromArray(fs, q, qb + 3 * qStep + 8));
                    FloatVector p2 = w2.mul(FloatVector.fromArray(fs, q, qb + 3 * qStep + 16));
                    FloatVector p3 = w3.mul(FloatVector.fromArray(fs, q, qb + 3 * qStep + 24));
                    FloatVector x01 = p0.blend(p1, ODD1).add(p1.blend(p0, ODD1).rearrange(XOR1));
                    FloatVector x23 = p2.blend(p3, ODD1).add(p3.blend(p2, ODD1).rearrange(XOR1));
                    c3 = x01.blend(x23, ODD2).add(x23.blend(x01, ODD2).rearrange(XOR2)).fma(FloatVector.broadcast(fs, dw * d[s + 3 * dStep]), c3);
                }
            }
        }
        FloatVector none = FloatVector.zero(fs);
        out[outOff] = hsumLanes(c0, none);
        out[outOff + outStep] = hsumLanes(c1, none);
        out[outOff + 2 * outStep] = hsumLanes(c2, none);
        out[outOff + 3 * outStep] = hsumLanes(c3, none);
    }

    /** {@link #q4_0Repacked} of one weight row with four activation rows, as {@link #q8_0x4}. */
    @Override
    public void q4_0Repackedx4(byte[] w, int wOff, float[] q, int qOff, int qStep, float[] d, int dOff, int dStep, int nb,
                               float[] out, int outOff, int outStep) {
        if (parts != 1) {
            for (int t = 0; t < 4; t++) {
                out[outOff + t * outStep] = q4_0Repacked(MemorySegment.ofArray(w), wOff, q, qOff + t * qStep, d, dOff + t * dStep, nb);
            }
            return;
        }
        float f0 = 0, f1 = 0, f2 = 0, f3 = 0;
        for (int i = 0; i < nb; i++) {
            int b = wOff + 18 * i;
            int qb = qOff + 32 * i;
            FloatVector b0 = FloatVector.zero(fs), b1 = FloatVector.zero(fs), b2 = FloatVector.zero(fs), b3 = FloatVector.zero(fs);
            for (int j = 0; j < 16; j += byteLanes) {
                IntVector vi = (IntVector) ByteVector.fromArray(bs, w, b + 2 + j).convertShape(VectorOperators.B2I, is, 0);
                FloatVector l = (FloatVector) vi.and(0x0F).sub(8).convert(VectorOperators.I2F, 0);
                FloatVector h = (FloatVector) vi.lanewise(VectorOperators.ASHR, 4).and(0x0F).sub(8).convert(VectorOperators.I2F, 0);
                int e = qb + j;
                b0 = h.fma(FloatVector.fromArray(fs, q, e + 16), l.fma(FloatVector.fromArray(fs, q, e), b0));
                e += qStep;
                b1 = h.fma(FloatVector.fromArray(fs, q, e + 16), l.fma(FloatVector.fromArray(fs, q, e), b1));
                e += qStep;
                b2 = h.fma(FloatVector.fromArray(fs, q, e + 16), l.fma(FloatVector.fromArray(fs, q, e), b2));
                e += qStep;
                b3 = h.fma(FloatVector.fromArray(fs, q, e + 16), l.fma(FloatVector.fromArray(fs, q, e), b3));
            }
            float dw = Float.float16ToFloat((short) SHORT_AT.get(w, b));
            int s = dOff + i;
            if (lanes == 16) {
                FloatVector x01 = b0.blend(b1, HIGH8).add(b1.blend(b0, HIGH8).rearrange(SWAP_HALVES));
                FloatVector x23 = b2.blend(b3, HIGH8).add(b3.blend(b2, HIGH8).rearrange(SWAP_HALVES));
                FloatVector y = x01.blend(x23, ODD4).add(x23.blend(x01, ODD4).rearrange(XOR4));
                y = y.add(y.rearrange(XOR2));
                y = y.add(y.rearrange(XOR1));
                f0 = Math.fma(y.lane(0), dw * d[s], f0);
                f1 = Math.fma(y.lane(8), dw * d[s + dStep], f1);
                f2 = Math.fma(y.lane(4), dw * d[s + 2 * dStep], f2);
                f3 = Math.fma(y.lane(12), dw * d[s + 3 * dStep], f3);
            } else {
                FloatVector x01 = b0.blend(b1, ODD4).add(b1.blend(b0, ODD4).rearrange(XOR4));
                FloatVector x23 = b2.blend(b3, ODD4).add(b3.blend(b2, ODD4).rearrange(XOR4));
                FloatVector y = x01.blend(x23, ODD2).add(x23.blend(x01, ODD2).rearrange(XOR2));
                y = y.add(y.rearrange(XOR1));
                f0 = Math.fma(y.lane(0), dw * d[s], f0);
                f1 = Math.fma(y.lane(4), dw * d[s + dStep], f1);
                f2 = Math.fma(y.lane(2), dw * d[s + 2 * dStep], f2);
                f3 = Math.fma(y.lane(6), dw * d[s + 3 * dStep], f3);
            }
        }
        out[outOff] = f0;
        out[outOff + outStep] = f1;
        out[outOff + 2 * outStep] = f2;
        out[outOff + 3 * outStep] = f3;
    }

    /**
     * {@link #q4_KRepacked} in gemm order of one weight row with four activation rows, as {@link #q8_0x4}: the
     * four rows' integer sums of each 64 elements reduced together (one shuffle tree at 512 bits).
     */
    @Override
    public void q4_KRepackedx4(byte[] w, int wOff, float[] q, int qOff, int qStep, float[] d, int dOff, int dStep,
                               int[] sums, int sOff, int sStep, int nb, float[] out, int outOff, int outStep) {
        if (parts != 1) {
            for (int t = 0; t < 4; t++) {
                out[outOff + t * outStep] = q4_KRepacked(MemorySegment.ofArray(w), wOff, q, qOff + t * qStep, d, dOff + t * dStep, sums, sOff + t * sStep, nb, true);
            }
            return;
        }
        float f0 = 0, f1 = 0, f2 = 0, f3 = 0;
        float m0 = 0, m1 = 0, m2 = 0, m3 = 0;
        for (int i = 0; i < nb; i++) {
            int b = wOff + 144 * i;
            int qb = qOff + 256 * i;
            int b03 = (int) INT_AT.get(w, b + 4);
            int b47 = (int) INT_AT.get(w, b + 8);
            int hi = (int) INT_AT.get(w, b + 12);
            int sc03 = b03 & 0x3F3F3F3F;
            int sc47 = (hi & 0x0F0F0F0F) | ((b03 >>> 2) & 0x30303030);
            int mn03 = b47 & 0x3F3F3F3F;
            int mn47 = ((hi >>> 4) & 0x0F0F0F0F) | ((b47 >>> 2) & 0x30303030);
            float dw = Float.float16ToFloat((short) SHORT_AT.get(w, b));
            float mw = Float.float16ToFloat((short) SHORT_AT.get(w, b + 2));
            int ds = dOff + i;
            float d0 = d[ds], d1 = d[ds + dStep], d2 = d[ds + 2 * dStep], d3 = d[ds + 3 * dStep];
            int sb = sOff + 8 * i;
            for (int j = 0; j < 4; j++) {
                int sc = j < 2 ? sc03 : sc47;
                int mn = j < 2 ? mn03 : mn47;
                int shift = (j & 1) << 4;
                FloatVector sLo = FloatVector.broadcast(fs, (float) ((sc >>> shift) & 0xFF));
                FloatVector sHi = FloatVector.broadcast(fs, (float) ((sc >>> (shift + 8)) & 0xFF));
                FloatVector l0 = FloatVector.zero(fs), l1 = FloatVector.zero(fs), l2 = FloatVector.zero(fs), l3 = FloatVector.zero(fs);
                FloatVector h0 = FloatVector.zero(fs), h1 = FloatVector.zero(fs), h2 = FloatVector.zero(fs), h3 = FloatVector.zero(fs);
                for (int l = 0; l < 32; l += byteLanes) {
                    IntVector vi = (IntVector) ByteVector.fromArray(bs, w, b + 16 + 32 * j + l).convertShape(VectorOperators.B2I, is, 0);
                    FloatVector fl = (FloatVector) vi.and(0x0F).convert(VectorOperators.I2F, 0);
                    FloatVector fh = (FloatVector) vi.lanewise(VectorOperators.ASHR, 4).and(0x0F).convert(VectorOperators.I2F, 0);
                    int e = qb + 64 * j + l;
                    l0 = fl.fma(FloatVector.fromArray(fs, q, e), l0);
                    h0 = fh.fma(FloatVector.fromArray(fs, q, e + 32), h0);
                    e += qStep;
                    l1 = fl.fma(FloatVector.fromArray(fs, q, e), l1);
                    h1 = fh.fma(FloatVector.fromArray(fs, q, e + 32), h1);
                    e += qStep;
                    l2 = fl.fma(FloatVector.fromArray(fs, q, e), l2);
                    h2 = fh.fma(FloatVector.fromArray(fs, q, e + 32), h2);
                    e += qStep;
                    l3 = fl.fma(FloatVector.fromArray(fs, q, e), l3);
                    h3 = fh.fma(FloatVector.fromArray(fs, q, e + 32), h3);
                }
                FloatVector a0 = h0.fma(sHi, l0.mul(sLo));
                FloatVector a1 = h1.fma(sHi, l1.mul(sLo));
                FloatVector a2 = h2.fma(sHi, l2.mul(sLo));
                FloatVector a3 = h3.fma(sHi, l3.mul(sLo));
                float i0, i1, i2, i3;
                if (lanes == 16) {
                    FloatVector x01 = a0.blend(a1, HIGH8).add(a1.blend(a0, HIGH8).rearrange(SWAP_HALVES));
                    FloatVector x23 = a2.blend(a3, HIGH8).add(a3.blend(a2, HIGH8).rearrange(SWAP_HALVES));
                    FloatVector y = x01.blend(x23, ODD4).add(x23.blend(x01, ODD4).rearrange(XOR4));
                    y = y.add(y.rearrange(XOR2));
                    y = y.add(y.rearrange(XOR1));
                    i0 = y.lane(0);
                    i1 = y.lane(8);
                    i2 = y.lane(4);
                    i3 = y.lane(12);
                } else {
                    // 8 lanes: the same tree from its ODD4 step, leaving the four sums in lanes 0, 4, 2 and 6
                    FloatVector x01 = a0.blend(a1, ODD4).add(a1.blend(a0, ODD4).rearrange(XOR4));
                    FloatVector x23 = a2.blend(a3, ODD4).add(a3.blend(a2, ODD4).rearrange(XOR4));
                    FloatVector y = x01.blend(x23, ODD2).add(x23.blend(x01, ODD2).rearrange(XOR2));
                    y = y.add(y.rearrange(XOR1));
                    i0 = y.lane(0);
                    i1 = y.lane(4);
                    i2 = y.lane(2);
                    i3 = y.lane(6);
                }
                int mLo = (mn >>> shift) & 0xFF;
                int mHi = (mn >>> (shift + 8)) & 0xFF;
                int s = sb + 2 * j;
                f0 = Math.fma(i0, dw * d0, f0);
                m0 = Math.fma((float) (sums[s] * mLo + sums[s + 1] * mHi), mw * d0, m0);
                s += sStep;
                f1 = Math.fma(i1, dw * d1, f1);
                m1 = Math.fma((float) (sums[s] * mLo + sums[s + 1] * mHi), mw * d1, m1);
                s += sStep;
                f2 = Math.fma(i2, dw * d2, f2);
                m2 = Math.fma((float) (sums[s] * mLo + sums[s + 1] * mHi), mw * d2, m2);
                s += sStep;
                f3 = Math.fma(i3, dw * d3, f3);
                m3 = Math.fma((float) (sums[s] * mLo + sums[s + 1] * mHi), mw * d3, m3);
            }
        }
        out[outOff] = f0 - m0;
        out[outOff + outStep] = f1 - m1;
        out[outOff + 2 * outStep] = f2 - m2;
        out[outOff + 3 * outStep] = f3 - m3;
    }

    /** Activation rows per token-major tile of the {@code *Tile} kernels: two float vectors of them. */
    @Override
    public int tileTokens() {
        return 2 * lanes;
    }

    /**
     * {@link #q4_KRepacked} in gemm order of four weight rows ({@code w[wOff + r * rowBytes ..]}, r = 0..3) with one
     * token-major tile of {@link #tileTokens} activation rows: quants {@code x[xOff + k * T + t]}, scales
     * {@code d[dOff + i * T + t]}, Q8_K sums of each 32 as floats {@code sums[sOff + (8 i + g) * T + t]}. Results
     * to {@code res[r * T + t]} ({@code res} holds at least 52 T floats: the rest is scratch). Each weight is unpacked once
     * per super-block to a float pre-multiplied by its sub-block scale (an exact integer) in {@code wq[r * 256 ..]},
     * then broadcast against the tile's activation vectors: the lanes are the activation rows, so each 64 elements'
     * exact integer sums come out one per lane with no horizontal reduction, and the float steps that follow are
     * the scalar chain's, lane by lane.
     */
    @Override
    public void q4_KRepackedTile(byte[] w, int wOff, int rowBytes, int tt, float[] x, int xOff, float[] d, int dOff,
                                 float[] sums, int sOff, int nb, float[] wq, float[] res) {
        // Two copies, each with its tile size a constant (see q8_0Tile).
        if (tt == lanes) {
            q4_KRepackedTile1(w, wOff, rowBytes, x, xOff, d, dOff, sums, sOff, nb, wq, res);
        } else {
            q4_KRepackedTile2(w, wOff, rowBytes, x, xOff, d, dOff, sums, sOff, nb, wq, res);
        }
    }

    /** {@link #q4_KRepackedTile} for a tile of two float vectors of rows. */
    private static void q4_KRepackedTile2(byte[] w, int wOff, int rowBytes, float[] x, int xOff, float[] d, int dOff,
                                          float[] sums, int sOff, int nb, float[] wq, float[] res) {
        int tt = 2 * lanes;
        // res[4T + 2rT ..]: row r's running f, res[4T + (2r + 1)T ..] its running m.
        java.util.Arrays.fill(res, 4 * tt, 12 * tt, 0f);
        for (int i = 0; i < nb; i++) {
            for (int r = 0; r < 4; r++) {
                unpackQ4K(w, wOff + r * rowBytes + 144 * i, wq, 256 * r);
            }
            for (int j = 0; j < 4; j++) {
                // The sums written out here: as a call to a helper shared with Q4_0, this ran 10-15% slower (batch 128).
                FloatVector c00 = FloatVector.zero(fs), c01 = FloatVector.zero(fs), c10 = FloatVector.zero(fs), c11 = FloatVector.zero(fs);
                FloatVector c20 = FloatVector.zero(fs), c21 = FloatVector.zero(fs), c30 = FloatVector.zero(fs), c31 = FloatVector.zero(fs);
                int xj = xOff + (256 * i + 64 * j) * tt;
                int wj = 64 * j;
                for (int e = 0; e < 64; e++) {
                    int xe = xj + e * tt;
                    FloatVector x0 = FloatVector.fromArray(fs, x, xe);
                    FloatVector x1 = FloatVector.fromArray(fs, x, xe + lanes);
                    FloatVector w0 = FloatVector.broadcast(fs, wq[wj + e]);
                    c00 = w0.fma(x0, c00);
                    c01 = w0.fma(x1, c01);
                    FloatVector w1 = FloatVector.broadcast(fs, wq[256 + wj + e]);
                    c10 = w1.fma(x0, c10);
                    c11 = w1.fma(x1, c11);
                    FloatVector w2 = FloatVector.broadcast(fs, wq[512 + wj + e]);
                    c20 = w2.fma(x0, c20);
                    c21 = w2.fma(x1, c21);
                    FloatVector w3 = FloatVector.broadcast(fs, wq[768 + wj + e]);
                    c30 = w3.fma(x0, c30);
                    c31 = w3.fma(x1, c31);
                }
                // Through memory, so the float steps below are one loop over the rows (not 8 copies).
                int c = 12 * tt;
                c00.intoArray(res, c);
                c01.intoArray(res, c + lanes);
                c10.intoArray(res, c + tt);
                c11.intoArray(res, c + tt + lanes);
                c20.intoArray(res, c + 2 * tt);
                c21.intoArray(res, c + 2 * tt + lanes);
                c30.intoArray(res, c + 3 * tt);
                c31.intoArray(res, c + 3 * tt + lanes);
                int s = sOff + (8 * i + 2 * j) * tt;
                for (int r = 0; r < 4; r++) {
                    int b = wOff + r * rowBytes + 144 * i;
                    float dw = Float.float16ToFloat((short) SHORT_AT.get(w, b));
                    float mw = Float.float16ToFloat((short) SHORT_AT.get(w, b + 2));
                    // The mins of sub-blocks 2j and 2j + 1 (ggml's get_scale_min_k4).
                    int mn = j < 2 ? (int) INT_AT.get(w, b + 8) & 0x3F3F3F3F
                            : (((int) INT_AT.get(w, b + 12) >>> 4) & 0x0F0F0F0F) | (((int) INT_AT.get(w, b + 8) >>> 2) & 0x30303030);
                    int shift = (j & 1) << 4;
                    float mLo = (mn >>> shift) & 0xFF;
                    float mHi = (mn >>> (shift + 8)) & 0xFF;
                    for (int h = 0; h < tt; h += lanes) {
                        FloatVector dv = FloatVector.fromArray(fs, d, dOff + i * tt + h);
                        int f = 4 * tt + 2 * r * tt + h;
                        int m = f + tt;
                        FloatVector.fromArray(fs, res, c + r * tt + h).fma(dv.mul(dw), FloatVector.fromArray(fs, res, f)).intoArray(res, f);
                        // sum * min for the two sub-blocks: exact (|sum| < 2^12, min < 2^6), as the int the scalar code converts.
                        FloatVector mins = FloatVector.fromArray(fs, sums, s + h).mul(mLo).add(FloatVector.fromArray(fs, sums, s + tt + h).mul(mHi));
                        mins.fma(dv.mul(mw), FloatVector.fromArray(fs, res, m)).intoArray(res, m);
                    }
                }
            }
        }
        for (int r = 0; r < 4; r++) {
            for (int h = 0; h < tt; h += lanes) {
                int f = 4 * tt + 2 * r * tt + h;
                FloatVector.fromArray(fs, res, f).sub(FloatVector.fromArray(fs, res, f + tt)).intoArray(res, r * tt + h);
            }
        }
    }

    /** {@link #q4_KRepackedTile} for a tile of one float vector of rows (the same code as {@link #q4_KRepackedTile2}). */
    private static void q4_KRepackedTile1(byte[] w, int wOff, int rowBytes, float[] x, int xOff, float[] d, int dOff,
                                          float[] sums, int sOff, int nb, float[] wq, float[] res) {
        int tt = lanes;
        // res[4T + 2rT ..]: row r's running f, res[4T + (2r + 1)T ..] its running m.
        java.util.Arrays.fill(res, 4 * tt, 12 * tt, 0f);
        for (int i = 0; i < nb; i++) {
            for (int r = 0; r < 4; r++) {
                unpackQ4K(w, wOff + r * rowBytes + 144 * i, wq, 256 * r);
            }
            for (int j = 0; j < 4; j++) {
                // One float vector of rows: the loop written out, as in the full tile's copy.
                FloatVector c0 = FloatVector.zero(fs), c1 = FloatVector.zero(fs), c2 = FloatVector.zero(fs), c3 = FloatVector.zero(fs);
                // Odd elements into a second set of sums: four chains of 64 dependent multiply-adds alone allow one
                // multiply-add per cycle (sums of exact integers: the same bits in any order).
                FloatVector o0 = FloatVector.zero(fs), o1 = FloatVector.zero(fs), o2 = FloatVector.zero(fs), o3 = FloatVector.zero(fs);
                int xj = xOff + (256 * i + 64 * j) * tt;
                int wj = 64 * j;
                for (int e = 0; e < 64; e += 2) {
                    FloatVector x0 = FloatVector.fromArray(fs, x, xj + e * tt);
                    c0 = FloatVector.broadcast(fs, wq[wj + e]).fma(x0, c0);
                    c1 = FloatVector.broadcast(fs, wq[256 + wj + e]).fma(x0, c1);
                    c2 = FloatVector.broadcast(fs, wq[512 + wj + e]).fma(x0, c2);
                    c3 = FloatVector.broadcast(fs, wq[768 + wj + e]).fma(x0, c3);
                    FloatVector y0 = FloatVector.fromArray(fs, x, xj + (e + 1) * tt);
                    o0 = FloatVector.broadcast(fs, wq[wj + e + 1]).fma(y0, o0);
                    o1 = FloatVector.broadcast(fs, wq[257 + wj + e]).fma(y0, o1);
                    o2 = FloatVector.broadcast(fs, wq[513 + wj + e]).fma(y0, o2);
                    o3 = FloatVector.broadcast(fs, wq[769 + wj + e]).fma(y0, o3);
                }
                c0 = c0.add(o0);
                c1 = c1.add(o1);
                c2 = c2.add(o2);
                c3 = c3.add(o3);
                // Through memory, so the float steps below are one loop over the rows (not 4 copies).
                int c = 12 * tt;
                c0.intoArray(res, c);
                c1.intoArray(res, c + tt);
                c2.intoArray(res, c + 2 * tt);
                c3.intoArray(res, c + 3 * tt);
                int s = sOff + (8 * i + 2 * j) * tt;
                for (int r = 0; r < 4; r++) {
                    int b = wOff + r * rowBytes + 144 * i;
                    float dw = Float.float16ToFloat((short) SHORT_AT.get(w, b));
                    float mw = Float.float16ToFloat((short) SHORT_AT.get(w, b + 2));
                    // The mins of sub-blocks 2j and 2j + 1 (ggml's get_scale_min_k4).
                    int mn = j < 2 ? (int) INT_AT.get(w, b + 8) & 0x3F3F3F3F
                            : (((int) INT_AT.get(w, b + 12) >>> 4) & 0x0F0F0F0F) | (((int) INT_AT.get(w, b + 8) >>> 2) & 0x30303030);
                    int shift = (j & 1) << 4;
                    float mLo = (mn >>> shift) & 0xFF;
                    float mHi = (mn >>> (shift + 8)) & 0xFF;
                    for (int h = 0; h < tt; h += lanes) {
                        FloatVector dv = FloatVector.fromArray(fs, d, dOff + i * tt + h);
                        int f = 4 * tt + 2 * r * tt + h;
                        int m = f + tt;
                        FloatVector.fromArray(fs, res, c + r * tt + h).fma(dv.mul(dw), FloatVector.fromArray(fs, res, f)).intoArray(res, f);
                        // sum * min for the two sub-blocks: exact (|sum| < 2^12, min < 2^6), as the int the scalar code converts.
                        FloatVector mins = FloatVector.fromArray(fs, sums, s + h).mul(mLo).add(FloatVector.fromArray(fs, sums, s + tt + h).mul(mHi));
                        mins.fma(dv.mul(mw), FloatVector.fromArray(fs, res, m)).intoArray(res, m);
                    }
                }
            }
        }
        for (int r = 0; r < 4; r++) {
            for (int h = 0; h < tt; h += lanes) {
                int f = 4 * tt + 2 * r * tt + h;
                FloatVector.fromArray(fs, res, f).sub(FloatVector.fromArray(fs, res, f + tt)).intoArray(res, r * tt + h);
            }
        }
    }

    /**
     * The 256 quants of the Q4_K super-block at {@code w[b ..]} times their 6-bit sub-block scales, as floats (exact
     * integers below 2^10), to {@code wq[o ..]} in element order.
     */
    private static void unpackQ4K(byte[] w, int b, float[] wq, int o) {
        int b03 = (int) INT_AT.get(w, b + 4);
        int hi = (int) INT_AT.get(w, b + 12);
        int sc03 = b03 & 0x3F3F3F3F;
        int sc47 = (hi & 0x0F0F0F0F) | ((b03 >>> 2) & 0x30303030);
        for (int j = 0; j < 4; j++) {
            int sc = j < 2 ? sc03 : sc47;
            int shift = (j & 1) << 4;
            float sLo = (sc >>> shift) & 0xFF;
            float sHi = (sc >>> (shift + 8)) & 0xFF;
            for (int l = 0; l < 32; l += byteLanes) {
                ByteVector v = ByteVector.fromArray(bs, w, b + 16 + 32 * j + l);
                for (int p = 0; p < parts; p++) {
                    IntVector vi = (IntVector) v.convertShape(VectorOperators.B2I, is, p);
                    int at = o + 64 * j + l + p * lanes;
                    ((FloatVector) vi.and(0x0F).convert(VectorOperators.I2F, 0)).mul(sLo).intoArray(wq, at);
                    ((FloatVector) vi.lanewise(VectorOperators.ASHR, 4).and(0x0F).convert(VectorOperators.I2F, 0)).mul(sHi).intoArray(wq, at + 32);
                }
            }
        }
    }

    /**
     * {@link #q4_0Repacked} of four weight rows with one token-major tile of {@code tt} activation rows, laid out as
     * for {@link #q4_KRepackedTile} (no sums; {@code nb} blocks of 32): results to {@code res[r * tt + t]}. Each
     * block's nibbles are unpacked once to floats, eight blocks of the four rows at a time, and broadcast against
     * the tile; each block's exact integer sum then takes the codec's fused step, lane by lane.
     */
    @Override
    public void q4_0Tile(byte[] w, int wOff, int rowBytes, int tt, float[] x, int xOff, float[] d, int dOff, int nb,
                         float[] wq, float[] res) {
        // Two copies, each with its tile size a constant (see q8_0Tile).
        if (tt == lanes) {
            q4_0Tile1(w, wOff, rowBytes, x, xOff, d, dOff, nb, wq, res);
        } else {
            q4_0Tile2(w, wOff, rowBytes, x, xOff, d, dOff, nb, wq, res);
        }
    }

    /** {@link #q4_0Tile} for a tile of two float vectors of rows. */
    private static void q4_0Tile2(byte[] w, int wOff, int rowBytes, float[] x, int xOff, float[] d, int dOff, int nb,
                                  float[] wq, float[] res) {
        int tt = 2 * lanes;
        // res[r tt ..]: row r's running sum; res[4 tt ..]: one block's exact sums.
        int c = 4 * tt;
        java.util.Arrays.fill(res, 0, c, 0f);
        for (int i0 = 0; i0 < nb; i0 += 8) {
            int n = Math.min(8, nb - i0);
            for (int r = 0; r < 4; r++) {
                for (int ib = 0; ib < n; ib++) {
                    unpackQ4_0(w, wOff + r * rowBytes + 18 * (i0 + ib), wq, 256 * r + 32 * ib);
                }
            }
            for (int ib = 0; ib < n; ib++) {
                int i = i0 + ib;
                // The sums written out here, as in q4_KRepackedTile2 (as a call: 15% slower).
                FloatVector c00 = FloatVector.zero(fs), c01 = FloatVector.zero(fs), c10 = FloatVector.zero(fs), c11 = FloatVector.zero(fs);
                FloatVector c20 = FloatVector.zero(fs), c21 = FloatVector.zero(fs), c30 = FloatVector.zero(fs), c31 = FloatVector.zero(fs);
                int xj = xOff + 32 * i * tt;
                int wj = 32 * ib;
                for (int e = 0; e < 32; e++) {
                    int xe = xj + e * tt;
                    FloatVector x0 = FloatVector.fromArray(fs, x, xe);
                    FloatVector x1 = FloatVector.fromArray(fs, x, xe + lanes);
                    FloatVector w0 = FloatVector.broadcast(fs, wq[wj + e]);
                    c00 = w0.fma(x0, c00);
                    c01 = w0.fma(x1, c01);
                    FloatVector w1 = FloatVector.broadcast(fs, wq[256 + wj + e]);
                    c10 = w1.fma(x0, c10);
                    c11 = w1.fma(x1, c11);
                    FloatVector w2 = FloatVector.broadcast(fs, wq[512 + wj + e]);
                    c20 = w2.fma(x0, c20);
                    c21 = w2.fma(x1, c21);
                    FloatVector w3 = FloatVector.broadcast(fs, wq[768 + wj + e]);
                    c30 = w3.fma(x0, c30);
                    c31 = w3.fma(x1, c31);
                }
                c00.intoArray(res, c);
                c01.intoArray(res, c + lanes);
                c10.intoArray(res, c + tt);
                c11.intoArray(res, c + tt + lanes);
                c20.intoArray(res, c + 2 * tt);
                c21.intoArray(res, c + 2 * tt + lanes);
                c30.intoArray(res, c + 3 * tt);
                c31.intoArray(res, c + 3 * tt + lanes);
                for (int r = 0; r < 4; r++) {
                    float dw = Float.float16ToFloat((short) SHORT_AT.get(w, wOff + r * rowBytes + 18 * i));
                    for (int h = 0; h < tt; h += lanes) {
                        int f = r * tt + h;
                        FloatVector dd = FloatVector.fromArray(fs, d, dOff + i * tt + h).mul(dw);
                        FloatVector.fromArray(fs, res, c + f).fma(dd, FloatVector.fromArray(fs, res, f)).intoArray(res, f);
                    }
                }
            }
        }
    }

    /** {@link #q4_0Tile} for a tile of one float vector of rows (the same code as {@link #q4_0Tile2}). */
    private static void q4_0Tile1(byte[] w, int wOff, int rowBytes, float[] x, int xOff, float[] d, int dOff, int nb,
                                  float[] wq, float[] res) {
        int tt = lanes;
        // res[r tt ..]: row r's running sum; res[4 tt ..]: one block's exact sums.
        int c = 4 * tt;
        java.util.Arrays.fill(res, 0, c, 0f);
        for (int i0 = 0; i0 < nb; i0 += 8) {
            int n = Math.min(8, nb - i0);
            for (int r = 0; r < 4; r++) {
                for (int ib = 0; ib < n; ib++) {
                    unpackQ4_0(w, wOff + r * rowBytes + 18 * (i0 + ib), wq, 256 * r + 32 * ib);
                }
            }
            for (int ib = 0; ib < n; ib++) {
                int i = i0 + ib;
                // One float vector of rows: the loop written out, as in the full tile's copy.
                FloatVector c0 = FloatVector.zero(fs), c1 = FloatVector.zero(fs), c2 = FloatVector.zero(fs), c3 = FloatVector.zero(fs);
                int xj = xOff + 32 * i * tt;
                int wj = 32 * ib;
                for (int e = 0; e < 32; e++) {
                    FloatVector x0 = FloatVector.fromArray(fs, x, xj + e * tt);
                    c0 = FloatVector.broadcast(fs, wq[wj + e]).fma(x0, c0);
                    c1 = FloatVector.broadcast(fs, wq[256 + wj + e]).fma(x0, c1);
                    c2 = FloatVector.broadcast(fs, wq[512 + wj + e]).fma(x0, c2);
                    c3 = FloatVector.broadcast(fs, wq[768 + wj + e]).fma(x0, c3);
                }
                c0.intoArray(res, c);
                c1.intoArray(res, c + tt);
                c2.intoArray(res, c + 2 * tt);
                c3.intoArray(res, c + 3 * tt);
                for (int r = 0; r < 4; r++) {
                    float dw = Float.float16ToFloat((short) SHORT_AT.get(w, wOff + r * rowBytes + 18 * i));
                    for (int h = 0; h < tt; h += lanes) {
                        int f = r * tt + h;
                        FloatVector dd = FloatVector.fromArray(fs, d, dOff + i * tt + h).mul(dw);
                        FloatVector.fromArray(fs, res, c + f).fma(dd, FloatVector.fromArray(fs, res, f)).intoArray(res, f);
                    }
                }
            }
        }
    }

    /** The 32 quants of the Q4_0 block at {@code w[b ..]} (nibbles minus 8) as floats, to {@code wq[o ..]} in element order. */
    private static void unpackQ4_0(byte[] w, int b, float[] wq, int o) {
        for (int l = 0; l < 16; l += byteLanes) {
            ByteVector v = ByteVector.fromArray(bs, w, b + 2 + l);
            for (int p = 0; p < parts; p++) {
                IntVector vi = (IntVector) v.convertShape(VectorOperators.B2I, is, p);
                int at = o + l + p * lanes;
                ((FloatVector) vi.and(0x0F).sub(8).convert(VectorOperators.I2F, 0)).intoArray(wq, at);
                ((FloatVector) vi.lanewise(VectorOperators.ASHR, 4).and(0x0F).sub(8).convert(VectorOperators.I2F, 0)).intoArray(wq, at + 16);
            }
        }
    }

    /**
     * {@link #q6_K} of four weight rows with one token-major tile, laid out as for {@link #q4_KRepackedTile} (Q8_K
     * sums unused): results to {@code res[r * T + t]}. Each row's quants are unpacked once per super-block
     * to floats times their scales (exact integers, |x| <= 2^12) and broadcast against the tile; one accumulator
     * per element index mod 8 gives, lane by lane, the codec's eight exact lane sums, and the float steps after
     * each super-block and the closing sum are the codec's, lane by lane.
     */
    @Override
    public void q6_KTile(byte[] w, int wOff, int rowBytes, int tt, float[] x, int xOff, float[] d, int dOff, int nb,
                         float[] wq, float[] res) {
        // Two copies, each with its tile size a constant (see q8_0Tile).
        if (tt == lanes) {
            q6_KTile1(w, wOff, rowBytes, x, xOff, d, dOff, nb, wq, res);
        } else {
            q6_KTile2(w, wOff, rowBytes, x, xOff, d, dOff, nb, wq, res);
        }
    }

    /** {@link #q6_KTile} for a tile of two float vectors of rows. */
    private static void q6_KTile2(byte[] w, int wOff, int rowBytes, float[] x, int xOff, float[] d, int dOff, int nb,
                                  float[] wq, float[] res) {
        int tt = 2 * lanes;
        // res[4T + (8r + k)T ..]: row r's running s_k of the eight residues k; res[36T ..]: two rows' lane sums.
        int st = 4 * tt;
        int c = 36 * tt;
        java.util.Arrays.fill(res, st, st + 32 * tt, 0f);
        for (int i = 0; i < nb; i++) {
            int xi = xOff + 256 * i * tt;
            // Rows in pairs, four residues a pass: each activation load serves two rows (one row per pass is
            // bound by its loads: three per two multiply-adds), and 16 sums fit the registers.
            for (int r = 0; r < 4; r += 2) {
                int b = wOff + r * rowBytes + 210 * i;
                unpackQ6K(w, b, wq, 0);
                unpackQ6K(w, b + rowBytes, wq, 256);
                residueSums2x2(x, xi, wq, res, c, 0);
                residueSums2x2(x, xi, wq, res, c, 4);
                for (int q = 0; q < 2; q++) {
                    float dw = Float.float16ToFloat((short) SHORT_AT.get(w, b + q * rowBytes + 208));
                    for (int h = 0; h < tt; h += lanes) {
                        FloatVector dd = FloatVector.fromArray(fs, d, dOff + i * tt + h).mul(dw);
                        for (int k = 0; k < 8; k++) {
                            int sk = st + (8 * (r + q) + k) * tt + h;
                            FloatVector.fromArray(fs, res, sk).add(FloatVector.fromArray(fs, res, c + (8 * q + k) * tt + h).mul(dd)).intoArray(res, sk);
                        }
                    }
                }
            }
        }
        for (int r = 0; r < 4; r++) {
            for (int h = 0; h < tt; h += lanes) {
                FloatVector sum = FloatVector.zero(fs);
                for (int k = 0; k < 8; k++) {
                    sum = sum.add(FloatVector.fromArray(fs, res, st + (8 * r + k) * tt + h));
                }
                sum.intoArray(res, r * tt + h);
            }
        }
    }

    /** {@link #q6_KTile} for a tile of one float vector of rows (the same code as {@link #q6_KTile2}). */
    private static void q6_KTile1(byte[] w, int wOff, int rowBytes, float[] x, int xOff, float[] d, int dOff, int nb,
                                  float[] wq, float[] res) {
        int tt = lanes;
        // res[4T + (8r + k)T ..]: row r's running s_k of the eight residues k; res[36T ..]: two rows' lane sums.
        int st = 4 * tt;
        int c = 36 * tt;
        java.util.Arrays.fill(res, st, st + 32 * tt, 0f);
        for (int i = 0; i < nb; i++) {
            int xi = xOff + 256 * i * tt;
            // Rows in pairs: one load of the activations serves two rows (one row per load was slower than the
            // four-row kernel at 8 rows).
            for (int r = 0; r < 4; r += 2) {
                int b = wOff + r * rowBytes + 210 * i;
                unpackQ6K(w, b, wq, 0);
                unpackQ6K(w, b + rowBytes, wq, 256);
                residueSums1x2(x, xi, wq, res, c);
                for (int q = 0; q < 2; q++) {
                    FloatVector dd = FloatVector.fromArray(fs, d, dOff + i * tt).mul(Float.float16ToFloat((short) SHORT_AT.get(w, b + q * rowBytes + 208)));
                    for (int k = 0; k < 8; k++) {
                        int sk = st + (8 * (r + q) + k) * tt;
                        FloatVector.fromArray(fs, res, sk).add(FloatVector.fromArray(fs, res, c + (8 * q + k) * tt).mul(dd)).intoArray(res, sk);
                    }
                }
            }
        }
        for (int r = 0; r < 4; r++) {
            FloatVector sum = FloatVector.zero(fs);
            for (int k = 0; k < 8; k++) {
                sum = sum.add(FloatVector.fromArray(fs, res, st + (8 * r + k) * tt));
            }
            sum.intoArray(res, r * tt);
        }
    }

    /**
     * Residues {@code k0 .. k0+3} (element index mod 8) of two rows' unpacked Q6_K floats ({@code wq[0 ..]},
     * {@code wq[256 ..]}) with a token-major tile of two float vectors of rows: the first row's residue k to
     * {@code res[c + k * T ..]}, the second's to {@code res[c + (8 + k) * T ..]}.
     */
    private static void residueSums2x2(float[] x, int xi, float[] wq, float[] res, int c, int k0) {
        int tt = 2 * lanes;
        FloatVector a0 = FloatVector.zero(fs), a1 = FloatVector.zero(fs), a2 = FloatVector.zero(fs), a3 = FloatVector.zero(fs);
        FloatVector b0 = FloatVector.zero(fs), b1 = FloatVector.zero(fs), b2 = FloatVector.zero(fs), b3 = FloatVector.zero(fs);
        FloatVector p0 = FloatVector.zero(fs), p1 = FloatVector.zero(fs), p2 = FloatVector.zero(fs), p3 = FloatVector.zero(fs);
        FloatVector q0 = FloatVector.zero(fs), q1 = FloatVector.zero(fs), q2 = FloatVector.zero(fs), q3 = FloatVector.zero(fs);
        for (int e = k0; e < 256; e += 8) {
            int xe = xi + e * tt;
            FloatVector lo;
            FloatVector hi;
            FloatVector u;
            FloatVector v;
            lo = FloatVector.fromArray(fs, x, xe);
            hi = FloatVector.fromArray(fs, x, xe + lanes);
            u = FloatVector.broadcast(fs, wq[e]);
            v = FloatVector.broadcast(fs, wq[256 + e]);
            a0 = u.fma(lo, a0);
            b0 = u.fma(hi, b0);
            p0 = v.fma(lo, p0);
            q0 = v.fma(hi, q0);
            lo = FloatVector.fromArray(fs, x, xe + tt);
            hi = FloatVector.fromArray(fs, x, xe + tt + lanes);
            u = FloatVector.broadcast(fs, wq[e + 1]);
            v = FloatVector.broadcast(fs, wq[257 + e]);
            a1 = u.fma(lo, a1);
            b1 = u.fma(hi, b1);
            p1 = v.fma(lo, p1);
            q1 = v.fma(hi, q1);
            lo = FloatVector.fromArray(fs, x, xe + 2 * tt);
            hi = FloatVector.fromArray(fs, x, xe + 2 * tt + lanes);
            u = FloatVector.broadcast(fs, wq[e + 2]);
            v = FloatVector.broadcast(fs, wq[258 + e]);
            a2 = u.fma(lo, a2);
            b2 = u.fma(hi, b2);
            p2 = v.fma(lo, p2);
            q2 = v.fma(hi, q2);
            lo = FloatVector.fromArray(fs, x, xe + 3 * tt);
            hi = FloatVector.fromArray(fs, x, xe + 3 * tt + lanes);
            u = FloatVector.broadcast(fs, wq[e + 3]);
            v = FloatVector.broadcast(fs, wq[259 + e]);
            a3 = u.fma(lo, a3);
            b3 = u.fma(hi, b3);
            p3 = v.fma(lo, p3);
            q3 = v.fma(hi, q3);
        }
        int r0 = c + k0 * tt;
        int r1 = c + (8 + k0) * tt;
        a0.intoArray(res, r0);
        b0.intoArray(res, r0 + lanes);
        a1.intoArray(res, r0 + tt);
        b1.intoArray(res, r0 + tt + lanes);
        a2.intoArray(res, r0 + 2 * tt);
        b2.intoArray(res, r0 + 2 * tt + lanes);
        a3.intoArray(res, r0 + 3 * tt);
        b3.intoArray(res, r0 + 3 * tt + lanes);
        p0.intoArray(res, r1);
        q0.intoArray(res, r1 + lanes);
        p1.intoArray(res, r1 + tt);
        q1.intoArray(res, r1 + tt + lanes);
        p2.intoArray(res, r1 + 2 * tt);
        q2.intoArray(res, r1 + 2 * tt + lanes);
        p3.intoArray(res, r1 + 3 * tt);
        q3.intoArray(res, r1 + 3 * tt + lanes);
    }

    /**
     * Residue sums (element index mod 8) for a tile of one float vector of rows and two weight rows at once ({@code wq[0 ..]} and
     * {@code wq[256 ..]}): the first row's residue k to {@code res[c + k * lanes ..]}, the second's to {@code res[c + (8 + k) * lanes ..]}.
     */
    private static void residueSums1x2(float[] x, int xi, float[] wq, float[] res, int c) {
        FloatVector a0 = FloatVector.zero(fs), a1 = FloatVector.zero(fs), a2 = FloatVector.zero(fs), a3 = FloatVector.zero(fs);
        FloatVector a4 = FloatVector.zero(fs), a5 = FloatVector.zero(fs), a6 = FloatVector.zero(fs), a7 = FloatVector.zero(fs);
        FloatVector b0 = FloatVector.zero(fs), b1 = FloatVector.zero(fs), b2 = FloatVector.zero(fs), b3 = FloatVector.zero(fs);
        FloatVector b4 = FloatVector.zero(fs), b5 = FloatVector.zero(fs), b6 = FloatVector.zero(fs), b7 = FloatVector.zero(fs);
        for (int e = 0; e < 256; e += 8) {
            int xe = xi + e * lanes;
            FloatVector v;
            v = FloatVector.fromArray(fs, x, xe);
            a0 = FloatVector.broadcast(fs, wq[e]).fma(v, a0);
            b0 = FloatVector.broadcast(fs, wq[256 + e]).fma(v, b0);
            v = FloatVector.fromArray(fs, x, xe + lanes);
            a1 = FloatVector.broadcast(fs, wq[e + 1]).fma(v, a1);
            b1 = FloatVector.broadcast(fs, wq[257 + e]).fma(v, b1);
            v = FloatVector.fromArray(fs, x, xe + 2 * lanes);
            a2 = FloatVector.broadcast(fs, wq[e + 2]).fma(v, a2);
            b2 = FloatVector.broadcast(fs, wq[258 + e]).fma(v, b2);
            v = FloatVector.fromArray(fs, x, xe + 3 * lanes);
            a3 = FloatVector.broadcast(fs, wq[e + 3]).fma(v, a3);
            b3 = FloatVector.broadcast(fs, wq[259 + e]).fma(v, b3);
            v = FloatVector.fromArray(fs, x, xe + 4 * lanes);
            a4 = FloatVector.broadcast(fs, wq[e + 4]).fma(v, a4);
            b4 = FloatVector.broadcast(fs, wq[260 + e]).fma(v, b4);
            v = FloatVector.fromArray(fs, x, xe + 5 * lanes);
            a5 = FloatVector.broadcast(fs, wq[e + 5]).fma(v, a5);
            b5 = FloatVector.broadcast(fs, wq[261 + e]).fma(v, b5);
            v = FloatVector.fromArray(fs, x, xe + 6 * lanes);
            a6 = FloatVector.broadcast(fs, wq[e + 6]).fma(v, a6);
            b6 = FloatVector.broadcast(fs, wq[262 + e]).fma(v, b6);
            v = FloatVector.fromArray(fs, x, xe + 7 * lanes);
            a7 = FloatVector.broadcast(fs, wq[e + 7]).fma(v, a7);
            b7 = FloatVector.broadcast(fs, wq[263 + e]).fma(v, b7);
        }
        a0.intoArray(res, c);
        a1.intoArray(res, c + lanes);
        a2.intoArray(res, c + 2 * lanes);
        a3.intoArray(res, c + 3 * lanes);
        a4.intoArray(res, c + 4 * lanes);
        a5.intoArray(res, c + 5 * lanes);
        a6.intoArray(res, c + 6 * lanes);
        a7.intoArray(res, c + 7 * lanes);
        b0.intoArray(res, c + 8 * lanes);
        b1.intoArray(res, c + 9 * lanes);
        b2.intoArray(res, c + 10 * lanes);
        b3.intoArray(res, c + 11 * lanes);
        b4.intoArray(res, c + 12 * lanes);
        b5.intoArray(res, c + 13 * lanes);
        b6.intoArray(res, c + 14 * lanes);
        b7.intoArray(res, c + 15 * lanes);
    }

    /** The 256 quants of the Q6_K super-block at {@code w[b ..]} times their int8 scales, as floats (exact), to {@code wq[o ..]}. */
    private static void unpackQ6K(byte[] w, int b, float[] wq, int o) {
        for (int h = 0; h < 2; h++) {
            int ql = b + 64 * h;
            int qh = b + 128 + 32 * h;
            for (int l = 0; l < 32; l += byteLanes) {
                ByteVector va = ByteVector.fromArray(bs, w, ql + l);
                ByteVector vb = ByteVector.fromArray(bs, w, ql + 32 + l);
                ByteVector vh = ByteVector.fromArray(bs, w, qh + l);
                for (int p = 0; p < parts; p++) {
                    int sc = b + 192 + 8 * h + ((l + p * lanes) >> 4);
                    IntVector a = (IntVector) va.convertShape(VectorOperators.B2I, is, p);
                    IntVector c = (IntVector) vb.convertShape(VectorOperators.B2I, is, p);
                    IntVector hb = (IntVector) vh.convertShape(VectorOperators.B2I, is, p);
                    int at = o + 128 * h + l + p * lanes;
                    ((FloatVector) a.and(0x0F).or(hb.and(0x03).lanewise(VectorOperators.LSHL, 4))
                            .sub(32).convert(VectorOperators.I2F, 0)).mul(w[sc]).intoArray(wq, at);
                    ((FloatVector) c.and(0x0F).or(hb.lanewise(VectorOperators.LSHL, 2).and(0x30))
                            .sub(32).convert(VectorOperators.I2F, 0)).mul(w[sc + 2]).intoArray(wq, at + 32);
                    ((FloatVector) a.lanewise(VectorOperators.ASHR, 4).and(0x0F).or(hb.and(0x30))
                            .sub(32).convert(VectorOperators.I2F, 0)).mul(w[sc + 4]).intoArray(wq, at + 64);
                    ((FloatVector) c.lanewise(VectorOperators.ASHR, 4).and(0x0F)
                            .or(hb.lanewise(VectorOperators.ASHR, 2).and(0x30)).sub(32).convert(VectorOperators.I2F, 0)).mul(w[sc + 6]).intoArray(wq, at + 96);
                }
            }
        }
    }

    /**
     * {@link #q8_0} of four weight rows with one token-major tile, laid out as for {@link #q4_KRepackedTile} (Q8_K
     * sums unused; {@code nb} blocks of 32): results to {@code res[r * T + t]}. Per block, the exact sums of each
     * four consecutive products (the AVX2 lanes x_0..x_7) take their fused step into eight running sums, and the
     * closing hsum is the codec's, all lane by lane. The four rows share each load of the activations.
     */
    @Override
    public void q8_0Tile(byte[] w, int wOff, int rowBytes, int tt, float[] x, int xOff, float[] d, int dOff, int nb,
                         float[] wq, float[] res) {
        // Two copies, each with its tile size a constant: with the size a parameter, C2's code for full tiles ran
        // about 15% slower (batch 128, same-run A/B).
        if (tt == lanes) {
            q8_0Tile1(w, wOff, rowBytes, x, xOff, d, dOff, nb, wq, res);
        } else {
            q8_0Tile2(w, wOff, rowBytes, x, xOff, d, dOff, nb, wq, res);
        }
    }

    /** {@link #q8_0Tile} for a tile of two float vectors of rows. */
    private static void q8_0Tile2(byte[] w, int wOff, int rowBytes, float[] x, int xOff, float[] d, int dOff, int nb,
                                  float[] wq, float[] res) {
        int tt = 2 * lanes;
        // res[4T + (8r + k)T ..]: row r's running sum of lane x_k, both halves of the tile.
        int st = 4 * tt;
        java.util.Arrays.fill(res, st, st + 32 * tt, 0f);
        for (int i0 = 0; i0 < nb; i0 += 8) {
            int n = Math.min(8, nb - i0);
            for (int r = 0; r < 4; r++) {
                for (int ib = 0; ib < n; ib++) {
                    int blk = wOff + r * rowBytes + 34 * (i0 + ib) + 2;
                    for (int l = 0; l < 32; l += byteLanes) {
                        for (int p = 0; p < parts; p++) {
                            ((FloatVector) ByteVector.fromArray(bs, w, blk + l).convertShape(VectorOperators.B2F, fs, p))
                                    .intoArray(wq, 256 * r + 32 * ib + l + p * lanes);
                        }
                    }
                }
            }
            for (int ib = 0; ib < n; ib++) {
                int i = i0 + ib;
                int blk = wOff + 34 * i;
                float dw0 = Float.float16ToFloat((short) SHORT_AT.get(w, blk)), dw1 = Float.float16ToFloat((short) SHORT_AT.get(w, blk + rowBytes));
                float dw2 = Float.float16ToFloat((short) SHORT_AT.get(w, blk + 2 * rowBytes)), dw3 = Float.float16ToFloat((short) SHORT_AT.get(w, blk + 3 * rowBytes));
                for (int h = 0; h < tt; h += lanes) {
                    FloatVector dv = FloatVector.fromArray(fs, d, dOff + i * tt + h);
                    FloatVector dd0 = dv.mul(dw0), dd1 = dv.mul(dw1), dd2 = dv.mul(dw2), dd3 = dv.mul(dw3);
                    int xe = xOff + 32 * i * tt + h;
                    // The running sums stay in memory (L1): as locals, with the loop written out, the method grew
                    // too big for C2, which then boxed the vectors.
                    for (int k = 0; k < 8; k++) {
                        int we = 32 * ib + 4 * k;
                        int xk = xe + 4 * k * tt;
                        // One load of the quad's activations serves the four rows (products and sums exact: any order).
                        FloatVector x0 = FloatVector.fromArray(fs, x, xk), x1 = FloatVector.fromArray(fs, x, xk + tt);
                        FloatVector x2 = FloatVector.fromArray(fs, x, xk + 2 * tt), x3 = FloatVector.fromArray(fs, x, xk + 3 * tt);
                        FloatVector q0 = x3.fma(FloatVector.broadcast(fs, wq[we + 3]), x2.fma(FloatVector.broadcast(fs, wq[we + 2]), x1.fma(FloatVector.broadcast(fs, wq[we + 1]), x0.mul(wq[we]))));
                        FloatVector q1 = x3.fma(FloatVector.broadcast(fs, wq[259 + we]), x2.fma(FloatVector.broadcast(fs, wq[258 + we]), x1.fma(FloatVector.broadcast(fs, wq[257 + we]), x0.mul(wq[256 + we]))));
                        FloatVector q2 = x3.fma(FloatVector.broadcast(fs, wq[515 + we]), x2.fma(FloatVector.broadcast(fs, wq[514 + we]), x1.fma(FloatVector.broadcast(fs, wq[513 + we]), x0.mul(wq[512 + we]))));
                        FloatVector q3 = x3.fma(FloatVector.broadcast(fs, wq[771 + we]), x2.fma(FloatVector.broadcast(fs, wq[770 + we]), x1.fma(FloatVector.broadcast(fs, wq[769 + we]), x0.mul(wq[768 + we]))));
                        int sk = st + k * tt + h;
                        q0.fma(dd0, FloatVector.fromArray(fs, res, sk)).intoArray(res, sk);
                        sk += 8 * tt;
                        q1.fma(dd1, FloatVector.fromArray(fs, res, sk)).intoArray(res, sk);
                        sk += 8 * tt;
                        q2.fma(dd2, FloatVector.fromArray(fs, res, sk)).intoArray(res, sk);
                        sk += 8 * tt;
                        q3.fma(dd3, FloatVector.fromArray(fs, res, sk)).intoArray(res, sk);
                    }
                }
            }
        }
        for (int r = 0; r < 4; r++) {
            int s = st + 8 * r * tt;
            for (int h = 0; h < tt; h += lanes) {
                // hsum_float_8: ((x0 + x4) + (x2 + x6)) + ((x1 + x5) + (x3 + x7)), lane by lane
                FloatVector x0 = FloatVector.fromArray(fs, res, s + h), x1 = FloatVector.fromArray(fs, res, s + tt + h);
                FloatVector x2 = FloatVector.fromArray(fs, res, s + 2 * tt + h), x3 = FloatVector.fromArray(fs, res, s + 3 * tt + h);
                FloatVector x4 = FloatVector.fromArray(fs, res, s + 4 * tt + h), x5 = FloatVector.fromArray(fs, res, s + 5 * tt + h);
                FloatVector x6 = FloatVector.fromArray(fs, res, s + 6 * tt + h), x7 = FloatVector.fromArray(fs, res, s + 7 * tt + h);
                x0.add(x4).add(x2.add(x6)).add(x1.add(x5).add(x3.add(x7))).intoArray(res, r * tt + h);
            }
        }
    }

    /** {@link #q8_0Tile} for a tile of one float vector of rows (the same code as {@link #q8_0Tile2}). */
    private static void q8_0Tile1(byte[] w, int wOff, int rowBytes, float[] x, int xOff, float[] d, int dOff, int nb,
                                  float[] wq, float[] res) {
        int tt = lanes;
        // res[4T + (8r + k)T ..]: row r's running sum of lane x_k, both halves of the tile.
        int st = 4 * tt;
        java.util.Arrays.fill(res, st, st + 32 * tt, 0f);
        for (int i0 = 0; i0 < nb; i0 += 8) {
            int n = Math.min(8, nb - i0);
            for (int r = 0; r < 4; r++) {
                for (int ib = 0; ib < n; ib++) {
                    int blk = wOff + r * rowBytes + 34 * (i0 + ib) + 2;
                    for (int l = 0; l < 32; l += byteLanes) {
                        for (int p = 0; p < parts; p++) {
                            ((FloatVector) ByteVector.fromArray(bs, w, blk + l).convertShape(VectorOperators.B2F, fs, p))
                                    .intoArray(wq, 256 * r + 32 * ib + l + p * lanes);
                        }
                    }
                }
            }
            for (int ib = 0; ib < n; ib++) {
                int i = i0 + ib;
                int blk = wOff + 34 * i;
                float dw0 = Float.float16ToFloat((short) SHORT_AT.get(w, blk)), dw1 = Float.float16ToFloat((short) SHORT_AT.get(w, blk + rowBytes));
                float dw2 = Float.float16ToFloat((short) SHORT_AT.get(w, blk + 2 * rowBytes)), dw3 = Float.float16ToFloat((short) SHORT_AT.get(w, blk + 3 * rowBytes));
                for (int h = 0; h < tt; h += lanes) {
                    FloatVector dv = FloatVector.fromArray(fs, d, dOff + i * tt + h);
                    FloatVector dd0 = dv.mul(dw0), dd1 = dv.mul(dw1), dd2 = dv.mul(dw2), dd3 = dv.mul(dw3);
                    int xe = xOff + 32 * i * tt + h;
                    // The running sums stay in memory (L1): as locals, with the loop written out, the method grew
                    // too big for C2, which then boxed the vectors.
                    for (int k = 0; k < 8; k++) {
                        int we = 32 * ib + 4 * k;
                        int xk = xe + 4 * k * tt;
                        // One load of the quad's activations serves the four rows (products and sums exact: any order).
                        FloatVector x0 = FloatVector.fromArray(fs, x, xk), x1 = FloatVector.fromArray(fs, x, xk + tt);
                        FloatVector x2 = FloatVector.fromArray(fs, x, xk + 2 * tt), x3 = FloatVector.fromArray(fs, x, xk + 3 * tt);
                        FloatVector q0 = x3.fma(FloatVector.broadcast(fs, wq[we + 3]), x2.fma(FloatVector.broadcast(fs, wq[we + 2]), x1.fma(FloatVector.broadcast(fs, wq[we + 1]), x0.mul(wq[we]))));
                        FloatVector q1 = x3.fma(FloatVector.broadcast(fs, wq[259 + we]), x2.fma(FloatVector.broadcast(fs, wq[258 + we]), x1.fma(FloatVector.broadcast(fs, wq[257 + we]), x0.mul(wq[256 + we]))));
                        FloatVector q2 = x3.fma(FloatVector.broadcast(fs, wq[515 + we]), x2.fma(FloatVector.broadcast(fs, wq[514 + we]), x1.fma(FloatVector.broadcast(fs, wq[513 + we]), x0.mul(wq[512 + we]))));
                        FloatVector q3 = x3.fma(FloatVector.broadcast(fs, wq[771 + we]), x2.fma(FloatVector.broadcast(fs, wq[770 + we]), x1.fma(FloatVector.broadcast(fs, wq[769 + we]), x0.mul(wq[768 + we]))));
                        int sk = st + k * tt + h;
                        q0.fma(dd0, FloatVector.fromArray(fs, res, sk)).intoArray(res, sk);
                        sk += 8 * tt;
                        q1.fma(dd1, FloatVector.fromArray(fs, res, sk)).intoArray(res, sk);
                        sk += 8 * tt;
                        q2.fma(dd2, FloatVector.fromArray(fs, res, sk)).intoArray(res, sk);
                        sk += 8 * tt;
                        q3.fma(dd3, FloatVector.fromArray(fs, res, sk)).intoArray(res, sk);
                    }
                }
            }
        }
        for (int r = 0; r < 4; r++) {
            int s = st + 8 * r * tt;
            for (int h = 0; h < tt; h += lanes) {
                // hsum_float_8: ((x0 + x4) + (x2 + x6)) + ((x1 + x5) + (x3 + x7)), lane by lane
                FloatVector x0 = FloatVector.fromArray(fs, res, s + h), x1 = FloatVector.fromArray(fs, res, s + tt + h);
                FloatVector x2 = FloatVector.fromArray(fs, res, s + 2 * tt + h), x3 = FloatVector.fromArray(fs, res, s + 3 * tt + h);
                FloatVector x4 = FloatVector.fromArray(fs, res, s + 4 * tt + h), x5 = FloatVector.fromArray(fs, res, s + 5 * tt + h);
                FloatVector x6 = FloatVector.fromArray(fs, res, s + 6 * tt + h), x7 = FloatVector.fromArray(fs, res, s + 7 * tt + h);
                x0.add(x4).add(x2.add(x6)).add(x1.add(x5).add(x3.add(x7))).intoArray(res, r * tt + h);
            }
        }
    }


    /**
     * tinyBLAS's F32/F16/BF16 dot ({@code kind} 0, 1, 2; eight fused lanes, lane k the chain over the elements
     * k mod 8, then hsum ((a0 + a4) + (a2 + a6)) + ((a1 + a5) + (a3 + a7))) of four weight rows
     * {@code w[wOff + r * rowBytes ..]} of {@code n} elements ({@code n % 8 == 0}) with one token-major tile of
     * {@link #tileTokens} activation rows {@code x[xOff + k * T + t]}: results to {@code res[r * T + t]}. The
     * eight chains of every activation row run lane by lane in the same order (not exact: the order is what
     * matters here), 256 elements of a row at a time, widened to floats once in {@code wq} for the whole tile.
     */
    @Override
    public void floatTile(int kind, MemorySegment w, long wOff, long rowBytes, float[] x, int xOff, int n,
                          float[] wq, float[] res) {
        int tt = 2 * lanes;
        // res[4T + (8r + k)T ..]: row r's chain k, both halves of the tile.
        int st = 4 * tt;
        java.util.Arrays.fill(res, st, st + 32 * tt, 0f);
        for (int k0 = 0; k0 < n; k0 += 256) {
            int m = Math.min(256, n - k0);
            // Rows inner: the four rows share these elements' activations while they sit in L1.
            for (int r = 0; r < 4; r++) {
                unpackFloats(kind, w, wOff + r * rowBytes, k0, m, wq);
                int s = st + 8 * r * tt;
                FloatVector a0 = FloatVector.fromArray(fs, res, s), a1 = FloatVector.fromArray(fs, res, s + tt);
                FloatVector a2 = FloatVector.fromArray(fs, res, s + 2 * tt), a3 = FloatVector.fromArray(fs, res, s + 3 * tt);
                FloatVector a4 = FloatVector.fromArray(fs, res, s + 4 * tt), a5 = FloatVector.fromArray(fs, res, s + 5 * tt);
                FloatVector a6 = FloatVector.fromArray(fs, res, s + 6 * tt), a7 = FloatVector.fromArray(fs, res, s + 7 * tt);
                FloatVector b0 = FloatVector.fromArray(fs, res, s + lanes), b1 = FloatVector.fromArray(fs, res, s + tt + lanes);
                FloatVector b2 = FloatVector.fromArray(fs, res, s + 2 * tt + lanes), b3 = FloatVector.fromArray(fs, res, s + 3 * tt + lanes);
                FloatVector b4 = FloatVector.fromArray(fs, res, s + 4 * tt + lanes), b5 = FloatVector.fromArray(fs, res, s + 5 * tt + lanes);
                FloatVector b6 = FloatVector.fromArray(fs, res, s + 6 * tt + lanes), b7 = FloatVector.fromArray(fs, res, s + 7 * tt + lanes);
                int xi = xOff + k0 * tt;
                for (int e = 0; e < m; e += 8) {
                    int xe = xi + e * tt;
                    FloatVector v;
                    v = FloatVector.broadcast(fs, wq[e]);
                    a0 = v.fma(FloatVector.fromArray(fs, x, xe), a0);
                    b0 = v.fma(FloatVector.fromArray(fs, x, xe + lanes), b0);
                    v = FloatVector.broadcast(fs, wq[e + 1]);
                    a1 = v.fma(FloatVector.fromArray(fs, x, xe + tt), a1);
                    b1 = v.fma(FloatVector.fromArray(fs, x, xe + tt + lanes), b1);
                    v = FloatVector.broadcast(fs, wq[e + 2]);
                    a2 = v.fma(FloatVector.fromArray(fs, x, xe + 2 * tt), a2);
                    b2 = v.fma(FloatVector.fromArray(fs, x, xe + 2 * tt + lanes), b2);
                    v = FloatVector.broadcast(fs, wq[e + 3]);
                    a3 = v.fma(FloatVector.fromArray(fs, x, xe + 3 * tt), a3);
                    b3 = v.fma(FloatVector.fromArray(fs, x, xe + 3 * tt + lanes), b3);
                    v = FloatVector.broadcast(fs, wq[e + 4]);
                    a4 = v.fma(FloatVector.fromArray(fs, x, xe + 4 * tt), a4);
                    b4 = v.fma(FloatVector.fromArray(fs, x, xe + 4 * tt + lanes), b4);
                    v = FloatVector.broadcast(fs, wq[e + 5]);
                    a5 = v.fma(FloatVector.fromArray(fs, x, xe + 5 * tt), a5);
                    b5 = v.fma(FloatVector.fromArray(fs, x, xe + 5 * tt + lanes), b5);
                    v = FloatVector.broadcast(fs, wq[e + 6]);
                    a6 = v.fma(FloatVector.fromArray(fs, x, xe + 6 * tt), a6);
                    b6 = v.fma(FloatVector.fromArray(fs, x, xe + 6 * tt + lanes), b6);
                    v = FloatVector.broadcast(fs, wq[e + 7]);
                    a7 = v.fma(FloatVector.fromArray(fs, x, xe + 7 * tt), a7);
                    b7 = v.fma(FloatVector.fromArray(fs, x, xe + 7 * tt + lanes), b7);
                }
                a0.intoArray(res, s);
                a1.intoArray(res, s + tt);
                a2.intoArray(res, s + 2 * tt);
                a3.intoArray(res, s + 3 * tt);
                a4.intoArray(res, s + 4 * tt);
                a5.intoArray(res, s + 5 * tt);
                a6.intoArray(res, s + 6 * tt);
                a7.intoArray(res, s + 7 * tt);
                b0.intoArray(res, s + lanes);
                b1.intoArray(res, s + tt + lanes);
                b2.intoArray(res, s + 2 * tt + lanes);
                b3.intoArray(res, s + 3 * tt + lanes);
                b4.intoArray(res, s + 4 * tt + lanes);
                b5.intoArray(res, s + 5 * tt + lanes);
                b6.intoArray(res, s + 6 * tt + lanes);
                b7.intoArray(res, s + 7 * tt + lanes);
            }
        }
        for (int r = 0; r < 4; r++) {
            int s = st + 8 * r * tt;
            for (int h = 0; h < tt; h += lanes) {
                FloatVector x0 = FloatVector.fromArray(fs, res, s + h), x1 = FloatVector.fromArray(fs, res, s + tt + h);
                FloatVector x2 = FloatVector.fromArray(fs, res, s + 2 * tt + h), x3 = FloatVector.fromArray(fs, res, s + 3 * tt + h);
                FloatVector x4 = FloatVector.fromArray(fs, res, s + 4 * tt + h), x5 = FloatVector.fromArray(fs, res, s + 5 * tt + h);
                FloatVector x6 = FloatVector.fromArray(fs, res, s + 6 * tt + h), x7 = FloatVector.fromArray(fs, res, s + 7 * tt + h);
                x0.add(x4).add(x2.add(x6)).add(x1.add(x5).add(x3.add(x7))).intoArray(res, r * tt + h);
            }
        }
    }

    /**
     * Elements {@code k0 .. k0 + m} of the F32/F16/BF16 ({@code kind} 0, 1, 2) row at {@code w[row ..]} as floats
     * (exact) to {@code wq[0 ..]}.
     */
    private static void unpackFloats(int kind, MemorySegment w, long row, int k0, int m, float[] wq) {
        if (kind == 0) {
            MemorySegment.copy(w, FLOAT_LE, row + 4L * k0, wq, 0, m);
            return;
        }
        if (kind == 1) {
            // A plain loop: C2 vectorizes Float.float16ToFloat to the hardware conversion (vcvtph2ps), which the
            // Vector API lacks. The bit arithmetic it replaced made F16 tile products 8-11% slower (JMH, batch 16
            // and 128) and pp512 on the F16 file 1.1x slower.
            long base = row + 2L * k0;
            for (int e = 0; e < m; e++) {
                wq[e] = Float.float16ToFloat(w.get(SHORT_LE, base + 2L * e));
            }
            return;
        }
        // BF16 is a float's upper half.
        int e = 0;
        for (; e + lanes <= m; e += lanes) {
            IntVector bits = (IntVector) ShortVector.fromMemorySegment(ss, w, row + 2L * (k0 + e), LE)
                    .convertShape(VectorOperators.S2I, is, 0);
            bits.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(wq, e);
        }
        for (; e < m; e++) {
            wq[e] = Float.intBitsToFloat(w.get(SHORT_LE, row + 2L * (k0 + e)) << 16);
        }
    }

    /** sum_j sums[sb + j] * min_j, the mins packed four to an int as in {@link #q4_K}: an exact int. */
    private static int minSum(int[] sums, int sb, int mn03, int mn47) {
        return sums[sb] * (mn03 & 0xFF) + sums[sb + 1] * ((mn03 >>> 8) & 0xFF)
                + sums[sb + 2] * ((mn03 >>> 16) & 0xFF) + sums[sb + 3] * (mn03 >>> 24)
                + sums[sb + 4] * (mn47 & 0xFF) + sums[sb + 5] * ((mn47 >>> 8) & 0xFF)
                + sums[sb + 6] * ((mn47 >>> 16) & 0xFF) + sums[sb + 7] * (mn47 >>> 24);
    }

    /** {@link #q6_K} of one weight row with four activation rows, as {@link #q8_0x4}. */
    @Override
    public void q6_Kx4(byte[] w, int wOff, float[] q, int qOff, int qStep, float[] d, int dOff, int dStep, int nb,
                       float[] out, int outOff, int outStep) {
        if (parts != 1) {
            for (int t = 0; t < 4; t++) {
                out[outOff + t * outStep] = q6_K(MemorySegment.ofArray(w), wOff, q, qOff + t * qStep, d, dOff + t * dStep, nb);
            }
            return;
        }
        FloatVector s0 = FloatVector.zero(fs), s1 = FloatVector.zero(fs), s2 = FloatVector.zero(fs), s3 = FloatVector.zero(fs);
        for (int i = 0; i < nb; i++) {
            int b = wOff + 210 * i;
            int qb = qOff + 256 * i;
            // One accumulator per activation row: the four rows are independent chains.
            FloatVector a0 = FloatVector.zero(fs), a1 = FloatVector.zero(fs), a2 = FloatVector.zero(fs), a3 = FloatVector.zero(fs);
            for (int h = 0; h < 2; h++) {
                int ql = b + 64 * h;
                int qh = b + 128 + 32 * h;
                int e0 = qb + 128 * h;
                for (int l = 0; l < 32; l += byteLanes) {
                    IntVector a = (IntVector) ByteVector.fromArray(bs, w, ql + l).convertShape(VectorOperators.B2I, is, 0);
                    IntVector c = (IntVector) ByteVector.fromArray(bs, w, ql + 32 + l).convertShape(VectorOperators.B2I, is, 0);
                    IntVector hb = (IntVector) ByteVector.fromArray(bs, w, qh + l).convertShape(VectorOperators.B2I, is, 0);
                    int sc = b + 192 + 8 * h + (l >> 4);
                    // Each quarter's q6 times its scale: exact (|q6 * scale| <= 32 * 128).
                    FloatVector q0 = ((FloatVector) a.and(0x0F).or(hb.and(0x03).lanewise(VectorOperators.LSHL, 4))
                            .sub(32).convert(VectorOperators.I2F, 0)).mul(w[sc]);
                    FloatVector q1 = ((FloatVector) c.and(0x0F).or(hb.lanewise(VectorOperators.LSHL, 2).and(0x30))
                            .sub(32).convert(VectorOperators.I2F, 0)).mul(w[sc + 2]);
                    FloatVector q2 = ((FloatVector) a.lanewise(VectorOperators.ASHR, 4).and(0x0F).or(hb.and(0x30))
                            .sub(32).convert(VectorOperators.I2F, 0)).mul(w[sc + 4]);
                    FloatVector q3 = ((FloatVector) c.lanewise(VectorOperators.ASHR, 4).and(0x0F)
                            .or(hb.lanewise(VectorOperators.ASHR, 2).and(0x30)).sub(32).convert(VectorOperators.I2F, 0)).mul(w[sc + 6]);
                    int e = e0 + l;
                    a0 = q3.fma(FloatVector.fromArray(fs, q, e + 96), q2.fma(FloatVector.fromArray(fs, q, e + 64),
                            q1.fma(FloatVector.fromArray(fs, q, e + 32), q0.fma(FloatVector.fromArray(fs, q, e), a0))));
                    e += qStep;
                    a1 = q3.fma(FloatVector.fromArray(fs, q, e + 96), q2.fma(FloatVector.fromArray(fs, q, e + 64),
                            q1.fma(FloatVector.fromArray(fs, q, e + 32), q0.fma(FloatVector.fromArray(fs, q, e), a1))));
                    e += qStep;
                    a2 = q3.fma(FloatVector.fromArray(fs, q, e + 96), q2.fma(FloatVector.fromArray(fs, q, e + 64),
                            q1.fma(FloatVector.fromArray(fs, q, e + 32), q0.fma(FloatVector.fromArray(fs, q, e), a2))));
                    e += qStep;
                    a3 = q3.fma(FloatVector.fromArray(fs, q, e + 96), q2.fma(FloatVector.fromArray(fs, q, e + 64),
                            q1.fma(FloatVector.fromArray(fs, q, e + 32), q0.fma(FloatVector.fromArray(fs, q, e), a3))));
                }
            }
            if (lanes == 16) {
                a0 = a0.add(a0.rearrange(SWAP_HALVES));
                a1 = a1.add(a1.rearrange(SWAP_HALVES));
                a2 = a2.add(a2.rearrange(SWAP_HALVES));
                a3 = a3.add(a3.rearrange(SWAP_HALVES));
            }
            float dw = Float.float16ToFloat((short) SHORT_AT.get(w, b + 208));
            int ds = dOff + i;
            s0 = s0.add(a0.mul(dw * d[ds]));
            s1 = s1.add(a1.mul(dw * d[ds + dStep]));
            s2 = s2.add(a2.mul(dw * d[ds + 2 * dStep]));
            s3 = s3.add(a3.mul(dw * d[ds + 3 * dStep]));
        }
        FloatVector none = FloatVector.zero(fs);
        out[outOff] = addMod8(0f, s0, none);
        out[outOff + outStep] = addMod8(0f, s1, none);
        out[outOff + 2 * outStep] = addMod8(0f, s2, none);
        out[outOff + 3 * outStep] = addMod8(0f, s3, none);
    }

    /** The high nibble of each byte, 0..15: x86 has no byte shift, so shift shorts and mask off what crossed bytes. */
    private static ByteVector highNibbles(ByteVector v) {
        return v.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
    }

    /**
     * The exact sum of a block's lanes, which the scalar codec sums as an int: every lane holds an integer
     * below 2^24, so it converts exactly, and the int reduction runs as a short tree (C2 sums float lanes one
     * after another, several times slower per block).
     */
    private static float exact(FloatVector v) {
        return ((IntVector) v.convert(VectorOperators.F2I, 0)).reduceLanes(VectorOperators.ADD);
    }

    /**
     * The exact integer sum, over a K-quant super-block, of the products of elements with index = k (mod 8)
     * (the codecs' lane sums a0..a7): lanes k, k + 8, ... of {@code even}; at 128 bits (4 lanes) the byte
     * vectors of 8 widen into two parts, elements 8m + 0..3 summed in {@code even} and 8m + 4..7 in {@code odd}.
     */
    private static float mod8(FloatVector even, FloatVector odd, int k) {
        if (lanes == 4) {
            return k < 4 ? even.lane(k) : odd.lane(k - 4);
        }
        float s = even.lane(k);
        for (int i = k + 8; i < lanes; i += 8) {
            s += even.lane(i);
        }
        return s;
    }

    /**
     * The double lanes summed in lane order (not {@code reduceLanes(ADD)}, whose order is unspecified and
     * differs between the interpreter and C2).
     */
    private static double sum(DoubleVector v) {
        double s = 0;
        for (int i = 0; i < v.length(); i++) {
            s += v.lane(i);
        }
        return s;
    }
}
