package dev.sirocco.engine.tensor.quant;

import dev.sirocco.engine.tensor.GgmlType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bit-for-bit agreement with llama.cpp's ggml on the vectors in {@code ggml-golden/} (see its README):
 * quantized file bytes, dequantized floats, x86 activation rounding and generic dot products.
 */
class GgmlGoldenTest {
    private static final int ROWS = 2;
    private static final int COLS = 512;
    private static final GgmlType[] WEIGHTS = {GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q4_0,
            GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q8_0, GgmlType.Q2_K, GgmlType.Q3_K,
            GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K};

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (int ds = 0; ds < 4; ds++) {
            for (GgmlType t : WEIGHTS) {
                out.add(Arguments.of(ds, t));
            }
        }
        return out.stream();
    }

    private static byte[] resource(String name) {
        try (InputStream in = GgmlGoldenTest.class.getResourceAsStream("ggml-golden/" + name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static float[] floats(byte[] b) {
        var fb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] f = new float[fb.remaining()];
        fb.get(f);
        return f;
    }

    private static byte[] bytesOf(float[] f) {
        ByteBuffer bb = ByteBuffer.allocate(4 * f.length).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(f);
        return bb.array();
    }

    /** F32 weights and activations are the inputs themselves, so those files are not stored. */
    private static byte[] activations(int ds, GgmlType act) {
        return act == GgmlType.F32 ? bytesOf(floats(resource("ds" + ds + "_y.f32"))) : resource("ds" + ds + "_y_" + act + ".bin");
    }

    @ParameterizedTest(name = "ds{0} {1}")
    @MethodSource("cases")
    void quantizedBytesMatchLlamaQuantize(int ds, GgmlType type) {
        float[] x = floats(resource("ds" + ds + "_x.f32"));
        byte[] expected = type == GgmlType.F32 ? bytesOf(x) : resource("ds" + ds + "_" + type + ".bin");
        byte[] ours = new byte[expected.length];
        Quantizer.quantize(type, x, 0, ROWS * COLS, MemorySegment.ofArray(ours), 0);
        assertThat(ours).isEqualTo(expected);
    }

    @ParameterizedTest(name = "ds{0} {1}")
    @MethodSource("cases")
    void dequantizedFloatsMatchGgmlBitForBit(int ds, GgmlType type) {
        byte[] expectedBytes = resource("ds" + ds + "_" + type + "_dequantized.f32");
        if (expectedBytes == null) {
            return; // kept for ds0 and ds2 only, to keep the resources small
        }
        float[] expected = floats(expectedBytes);
        float[] ours = new float[ROWS * COLS];
        Dequantizer.dequantize(type, MemorySegment.ofArray(resource("ds" + ds + "_" + type + ".bin")), 0, ours, 0, ROWS * COLS);
        for (int i = 0; i < ours.length; i++) {
            assertThat(Float.floatToRawIntBits(ours[i])).as("element %d", i).isEqualTo(Float.floatToRawIntBits(expected[i]));
        }
    }

    @ParameterizedTest(name = "ds{0} {1}")
    @MethodSource("cases")
    void activationRoundingMatchesAvx2FromFloat(int ds, GgmlType type) {
        GgmlType act = Codecs.of(type).vecDotType();
        float[] y = floats(resource("ds" + ds + "_y.f32"));
        byte[] expected = activations(ds, act);
        byte[] ours = new byte[expected.length];
        long rowBytes = act.bytesFor(COLS);
        for (int r = 0; r < ROWS; r++) {
            ActivationQuantizer.quantize(act, y, r * COLS, COLS, MemorySegment.ofArray(ours), r * rowBytes);
        }
        assertThat(ours).isEqualTo(expected);
    }

    @ParameterizedTest(name = "ds{0} {1}")
    @MethodSource("cases")
    void dotProductsMatchGgmlGenericBitForBit(int ds, GgmlType type) {
        BlockCodec codec = Codecs.of(type);
        GgmlType act = codec.vecDotType();
        byte[] w = type == GgmlType.F32 ? bytesOf(floats(resource("ds" + ds + "_x.f32"))) : resource("ds" + ds + "_" + type + ".bin");
        byte[] a = activations(ds, act);
        float[] expected = floats(resource("ds" + ds + "_" + type + "_dot.f32"));
        for (int r = 0; r < ROWS; r++) {
            for (int b = 0; b < ROWS; b++) {
                // Q2_K's, Q4_0's, Q4_1's, Q5_0's, Q5_1's, Q4_K's and Q8_0's dots run llama.cpp's AVX2 order (held to llama.cpp by
                // EngineMatchesLlamaCppTest); their generic twins are pinned here
                MemorySegment ws = MemorySegment.ofArray(w);
                MemorySegment as = MemorySegment.ofArray(a);
                long wo = r * type.bytesFor(COLS);
                long ao = b * act.bytesFor(COLS);
                float ours = switch (type) {
                    case Q2_K -> Q2KCodec.INSTANCE.dotGeneric(ws, wo, as, ao, COLS);
                    case Q4_0 -> Q4_0Codec.INSTANCE.dotGeneric(ws, wo, as, ao, COLS);
                    case Q4_K -> Q4KCodec.INSTANCE.dotGeneric(ws, wo, as, ao, COLS);
                    case Q8_0 -> Q8_0Codec.INSTANCE.dotGeneric(ws, wo, as, ao, COLS);
                    case Q4_1 -> Q4_1Codec.INSTANCE.dotGeneric(ws, wo, as, ao, COLS);
                    case Q5_0 -> Q5_0Codec.INSTANCE.dotGeneric(ws, wo, as, ao, COLS);
                    case Q5_1 -> Q5_1Codec.INSTANCE.dotGeneric(ws, wo, as, ao, COLS);
                    default -> codec.dot(ws, wo, as, ao, COLS);
                };
                assertThat(Float.floatToRawIntBits(ours)).as("row %d x activation %d: %s vs %s", r, b, ours, expected[r * ROWS + b])
                        .isEqualTo(Float.floatToRawIntBits(expected[r * ROWS + b]));
            }
        }
    }
}
