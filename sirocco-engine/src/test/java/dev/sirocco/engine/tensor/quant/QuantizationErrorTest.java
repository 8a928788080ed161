package dev.sirocco.engine.tensor.quant;

import dev.sirocco.engine.tensor.GgmlType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The checks of llama.cpp's tests/test-quantize-fns.cpp, on its data and with its thresholds. */
class QuantizationErrorTest {
    private static final int TEST_SIZE = 32 * 128;

    private static float maxTotalError(GgmlType t) {
        return switch (t) {
            case Q2_K -> 0.0075f;
            case Q3_K -> 0.0040f;
            default -> 0.002f;
        };
    }

    private static float maxDotError(GgmlType t) {
        return t == GgmlType.Q2_K ? 0.04f : 0.02f;
    }

    @ParameterizedTest
    @EnumSource(names = {"F16", "BF16", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q8_1", "Q8_K",
            "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void roundTripErrorIsWithinLlamaCppThreshold(GgmlType type) {
        assumeTrue(Quantizer.canQuantizeTo(type), "no quantizer yet for " + type);
        float[] x = SyntheticData.cosine(0.0f, TEST_SIZE, 2.0f);
        float[] back = SyntheticData.decode(type, SyntheticData.encode(type, x), TEST_SIZE);
        float err = SyntheticData.arrayRmse(x, back);
        assertThat(err).as("%s total quantization error", type).isLessThan(maxTotalError(type));
        // A real round trip loses something except for the float formats on this data.
        assertThat(back).isNotEqualTo(x);
    }

    @ParameterizedTest
    @EnumSource(names = {"Q8_0", "Q8_1"}) // Q8_K activations are the reference quantizer itself
    void activationRoundingStaysWithinReferenceErrorOfTheReferenceQuantizer(GgmlType type) {
        // test-quantize-fns' "reference implementation error": the CPU from_float (here the AVX2 rounding)
        // against the _ref quantizer, both decoded, must differ by less than 0.0001.
        float[] x = SyntheticData.cosine(0.0f, TEST_SIZE, 2.0f);
        MemorySegment viaActivation = MemorySegment.ofArray(new byte[Math.toIntExact(type.bytesFor(TEST_SIZE))]);
        ActivationQuantizer.quantize(type, x, 0, TEST_SIZE, viaActivation, 0);
        MemorySegment viaReference = SyntheticData.encode(type == GgmlType.Q8_1 ? GgmlType.Q8_0 : type, x);
        float[] a = SyntheticData.decode(type, viaActivation, TEST_SIZE);
        float[] b = SyntheticData.decode(type == GgmlType.Q8_1 ? GgmlType.Q8_0 : type, viaReference, TEST_SIZE);
        assertThat(SyntheticData.arrayRmse(a, b)).isLessThan(0.0001f);
    }

    @ParameterizedTest
    @EnumSource(names = {"F16", "BF16", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void dotProductErrorIsWithinLlamaCppThreshold(GgmlType type) {
        assumeTrue(Quantizer.canQuantizeTo(type), "no quantizer yet for " + type);
        BlockCodec codec = Codecs.of(type);
        float[] x = SyntheticData.cosine(0.0f, TEST_SIZE, 2.0f);
        float[] y = SyntheticData.cosine(1.0f, TEST_SIZE, 2.0f);
        MemorySegment wq = SyntheticData.encode(type, x);
        GgmlType act = codec.vecDotType();
        MemorySegment yq = MemorySegment.ofArray(new byte[Math.toIntExact(act.bytesFor(TEST_SIZE))]);
        ActivationQuantizer.quantize(act, y, 0, TEST_SIZE, yq, 0);
        float result = codec.dot(wq, 0, yq, 0, TEST_SIZE);
        float err = (float) Math.abs(result - SyntheticData.dot(x, y)) / TEST_SIZE;
        assertThat(err).as("%s dot product error", type).isLessThan(maxDotError(type));
    }
}
