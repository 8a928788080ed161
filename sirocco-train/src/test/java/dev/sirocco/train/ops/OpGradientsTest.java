package dev.sirocco.train.ops;

import dev.sirocco.engine.model.Architecture;
import dev.sirocco.engine.model.Rope;
import dev.sirocco.engine.tensor.GgmlType;
import dev.sirocco.engine.tensor.Kernels;
import dev.sirocco.engine.tensor.KernelsFactory;
import dev.sirocco.engine.tensor.Parallel;
import dev.sirocco.engine.tensor.Tensor;
import dev.sirocco.engine.tensor.quant.Codecs;
import dev.sirocco.train.autograd.Parameter;
import dev.sirocco.train.autograd.Tape;
import dev.sirocco.train.autograd.Var;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;

import static dev.sirocco.train.ops.GradCheck.check;
import static dev.sirocco.train.ops.GradCheck.param;
import static org.assertj.core.api.Assertions.assertThat;

/** Every differentiable op's gradient against central finite differences (see {@link GradCheck} for tolerances). */
class OpGradientsTest {
    static final Parallel PARALLEL = new Parallel(1);
    static final Kernels KERNELS = KernelsFactory.create(PARALLEL, false);

    @AfterAll
    static void close() {
        PARALLEL.close();
    }

    /** A frozen (out, in) weight stored in {@code type}, from seeded values. */
    static Tensor weight(GgmlType type, int in, int out, long seed) {
        Parameter values = param("w", out, in, seed, 0.5);
        MemorySegment seg = Arena.ofAuto().allocate(type.bytesFor((long) in * out), 64);
        if (type == GgmlType.F32) {
            for (int i = 0; i < values.value.length; i++) {
                seg.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i, values.value[i]);
            }
        } else {
            for (int r = 0; r < out; r++) {
                Codecs.of(type).quantize(values.value, r * in, in, seg, r * type.bytesFor(in));
            }
        }
        return new Tensor("w", type, new long[]{in, out}, seg);
    }

    @Test
    void denseMatmul() {
        Parameter x = param("x", 3, 5, 1, 1);
        Parameter w = param("w", 4, 5, 2, 1);
        check(List.of(x, w), t -> Matmuls.dense(t, t.param(x), t.param(w)));
    }

    @Test
    void denseMatmulThroughTheEngineKernelsEqualsThePlainLoops() {
        for (int[] s : new int[][]{{3, 5, 4}, {7, 33, 8}, {16, 64, 12}}) {
            Parameter x = param("x", s[0], s[1], 1, 1);
            Parameter w = param("w", s[2], s[1], 2, 1);
            check(List.of(x, w), t -> Matmuls.dense(t, t.param(x), t.param(w), KERNELS));
            float[] seed = param("dy", s[0], s[2], 3, 1).value;
            float[][] plain = denseGrads(x, w, seed, false);
            float[][] fast = denseGrads(x, w, seed, true);
            for (int i = 0; i < 3; i++) {
                for (int k = 0; k < plain[i].length; k++) {
                    assertThat(fast[i][k]).isCloseTo(plain[i][k], org.assertj.core.data.Offset.offset(1e-5f * Math.max(1f, Math.abs(plain[i][k]))));
                }
            }
        }
    }

    private static float[][] denseGrads(Parameter x, Parameter w, float[] seed, boolean kernels) {
        x.zeroGrad();
        w.zeroGrad();
        Tape tape = new Tape();
        Var y = kernels ? Matmuls.dense(tape, tape.param(x), tape.param(w), KERNELS) : Matmuls.dense(tape, tape.param(x), tape.param(w));
        float[] out = y.value.clone();
        tape.backward(y, seed);
        return new float[][]{out, x.grad.clone(), w.grad.clone()};
    }

    @Test
    void frozenMatmulWithBias() {
        Parameter x = param("x", 3, 32, 1, 1);
        Tensor w = weight(GgmlType.F32, 32, 8, 3);
        float[] bias = param("b", 1, 8, 4, 1).value;
        check(List.of(x), t -> Matmuls.frozen(t, t.param(x), w, bias, KERNELS));
        DequantizedWeights dequantized = new DequantizedWeights(KERNELS, 1 << 20);
        check(List.of(x), t -> Matmuls.frozen(t, t.param(x), w, bias, KERNELS, dequantized));
    }

    /** QLoRA: the backward of a quantized frozen weight is dy times its dequantized rows. */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q4_K", "F16", "BF16"})
    void frozenMatmulBackwardUsesTheDequantizedWeight(GgmlType type) {
        // the reference loop, a cached transpose, and blocks transposed on the fly (a budget of 0 caches nothing)
        for (DequantizedWeights dequantized : new DequantizedWeights[]{null, new DequantizedWeights(KERNELS, 1 << 20), new DequantizedWeights(KERNELS, 0)}) {
            frozenBackward(type, dequantized);
        }
    }

    private void frozenBackward(GgmlType type, DequantizedWeights dequantized) {
        int in = 256;
        int out = 70; // more than one block of 64 rows
        Tensor w = weight(type, in, out, 5);
        Parameter x = param("x", 2, in, 6, 1);
        Tape tape = new Tape();
        Var y = Matmuls.frozen(tape, tape.param(x), w, null, KERNELS, dequantized);
        float[] seed = param("dy", 2, out, 7, 1).value;
        tape.backward(y, seed);
        float[] row = new float[in];
        float[] expected = new float[2 * in];
        for (int o = 0; o < out; o++) {
            Codecs.of(type).dequantize(w.data(), o * w.rowBytes(), row, 0, in);
            for (int t = 0; t < 2; t++) {
                for (int k = 0; k < in; k++) {
                    expected[t * in + k] += seed[t * out + o] * row[k];
                }
            }
        }
        for (int i = 0; i < expected.length; i++) {
            assertThat(x.grad[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-4f));
        }
    }

    @Test
    void addScaleAndSoftcap() {
        Parameter a = param("a", 2, 6, 1, 1);
        Parameter b = param("b", 2, 6, 2, 1);
        check(List.of(a, b), t -> Elementwise.softcap(t, Elementwise.scale(t, Elementwise.add(t, t.param(a), t.param(b)), 1.7f), 2f));
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 4})
    void rmsNormOverRowsAndHeads(int width) {
        Parameter x = param("x", 3, 16, 1, 1);
        float[] gain = param("g", 1, width, 2, 1).value;
        check(List.of(x), t -> Norms.rmsNorm(t, t.param(x), gain, 1e-5f, width));
    }

    @Test
    void rmsNormWithATrainableGain() {
        Parameter x = param("x", 3, 16, 1, 1);
        Parameter gain = param("g", 1, 8, 2, 1);
        check(List.of(x, gain), t -> Norms.rmsNorm(t, t.param(x), t.param(gain), 1e-5f, 8));
    }

    @Test
    void trainableEmbeddingScattersGradientsToTheLookedUpRows() {
        Parameter table = param("emb", 6, 4, 1, 1);
        check(List.of(table), t -> Embeddings.lookup(t, t.param(table), new int[]{2, 5, 2, 0}, 1.5f));
        Tape tape = new Tape();
        table.zeroGrad();
        tape.backward(Embeddings.lookup(tape, tape.param(table), new int[]{2, 5, 2, 0}, 1.5f), new float[16]);
        Var y = Embeddings.lookup(tape, tape.param(table), new int[]{3}, 1f);
        assertThat(y.value).containsExactly(java.util.Arrays.copyOfRange(table.value, 12, 16));
    }

    @ParameterizedTest
    @EnumSource(Architecture.RopeStyle.class)
    void rope(Architecture.RopeStyle style) {
        Parameter x = param("x", 4, 2 * 8, 1, 1);
        Rope rope = Rope.of(style, 8, 10000f, 1f, null);
        check(List.of(x), t -> Rotary.rope(t, t.param(x), rope, 2, 8, 3));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void causalAttentionWithGroupedQueries(int window) {
        int n = 5;
        Parameter q = param("q", n, 4 * 4, 1, 1);
        Parameter k = param("k", n, 2 * 4, 2, 1);
        Parameter v = param("v", n, 2 * 3, 3, 1);
        check(List.of(q, k, v), t -> Attention.causal(t, t.param(q), t.param(k), t.param(v), 4, 2, 4, 3, 0.5f, window));
        check(List.of(q, k, v), t -> Attention.causal(t, t.param(q), t.param(k), t.param(v), 4, 2, 4, 3, 0.5f, window, KERNELS));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3})
    void causalAttentionThroughTheKernelsEqualsThePlainLoops(int window) {
        int n = 150; // past a vector and a tile of the gemm, and across three blocks of query rows
        Parameter q = param("q", n, 4 * 16, 1, 1);
        Parameter k = param("k", n, 2 * 16, 2, 1);
        Parameter v = param("v", n, 2 * 8, 3, 1);
        float[] seed = param("dy", n, 4 * 8, 4, 1).value;
        float[][] plain = attentionGrads(q, k, v, seed, window, false);
        float[][] fast = attentionGrads(q, k, v, seed, window, true);
        for (int i = 0; i < plain.length; i++) {
            for (int j = 0; j < plain[i].length; j++) {
                assertThat(fast[i][j]).as("output %d element %d", i, j)
                        .isCloseTo(plain[i][j], org.assertj.core.data.Offset.offset(1e-5f * Math.max(1f, Math.abs(plain[i][j]))));
            }
        }
    }

    private static float[][] attentionGrads(Parameter q, Parameter k, Parameter v, float[] seed, int window, boolean kernels) {
        for (Parameter p : List.of(q, k, v)) {
            p.zeroGrad();
        }
        Tape tape = new Tape();
        Var y = kernels
                ? Attention.causal(tape, tape.param(q), tape.param(k), tape.param(v), 4, 2, 16, 8, 0.25f, window, KERNELS)
                : Attention.causal(tape, tape.param(q), tape.param(k), tape.param(v), 4, 2, 16, 8, 0.25f, window);
        float[] out = y.value.clone();
        tape.backward(y, seed);
        return new float[][]{out, q.grad.clone(), k.grad.clone(), v.grad.clone()};
    }

    @Test
    void swiglu() {
        Parameter g = param("g", 2, 7, 1, 1.5);
        Parameter u = param("u", 2, 7, 2, 1);
        check(List.of(g, u), t -> Activations.swiglu(t, t.param(g), t.param(u)));
    }

    @Test
    void geglu() {
        Parameter g = param("g", 2, 7, 1, 1.5);
        Parameter u = param("u", 2, 7, 2, 1);
        check(List.of(g, u), t -> Activations.geglu(t, t.param(g), t.param(u)));
    }

    @Test
    void crossEntropyCountsOnlyWeightedRows() {
        Parameter z = param("z", 4, 9, 1, 2);
        int[] targets = {3, 0, 8, 5};
        float[] weights = {1, 0, 1, 1};
        check(List.of(z), t -> CrossEntropy.loss(t, t.param(z), targets, weights, 3));
        Tape tape = new Tape();
        z.zeroGrad();
        tape.backward(CrossEntropy.loss(tape, tape.param(z), targets, weights, 3));
        for (int i = 9; i < 18; i++) {
            assertThat(z.grad[i]).as("row 1 has weight 0").isZero();
        }
    }

    @Test
    void crossEntropyOfUniformLogitsIsLogVocab() {
        Tape tape = new Tape();
        Var z = tape.constant(new float[2 * 10], 2, 10);
        Var loss = CrossEntropy.loss(tape, z, new int[]{1, 2}, new float[]{1, 1}, 2);
        assertThat((double) loss.value[0]).isCloseTo(Math.log(10), org.assertj.core.data.Offset.offset(1e-6));
    }
}
