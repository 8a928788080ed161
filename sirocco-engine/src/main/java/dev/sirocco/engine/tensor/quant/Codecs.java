package dev.sirocco.engine.tensor.quant;

import dev.sirocco.engine.tensor.GgmlType;

/** Finds the codec of a {@link GgmlType}. */
public final class Codecs {
    private Codecs() {
    }

    /** The codec for {@code type}, or null when Sirocco has none (integer and F64 tensors). */
    public static BlockCodec find(GgmlType type) {
        return switch (type) {
            case F32 -> F32Codec.INSTANCE;
            case F16 -> F16Codec.INSTANCE;
            case BF16 -> BF16Codec.INSTANCE;
            case Q4_0 -> Q4_0Codec.INSTANCE;
            case Q4_1 -> Q4_1Codec.INSTANCE;
            case Q5_0 -> Q5_0Codec.INSTANCE;
            case Q5_1 -> Q5_1Codec.INSTANCE;
            case Q8_0 -> Q8_0Codec.INSTANCE;
            case Q8_1 -> Q8_1Codec.INSTANCE;
            case Q8_K -> Q8KCodec.INSTANCE;
            case Q2_K -> Q2KCodec.INSTANCE;
            case Q3_K -> Q3KCodec.INSTANCE;
            case Q4_K -> Q4KCodec.INSTANCE;
            case Q5_K -> Q5KCodec.INSTANCE;
            case Q6_K -> Q6KCodec.INSTANCE;
            default -> null;
        };
    }

    /** The codec for {@code type}; throws {@link UnsupportedOperationException} naming the type when there is none. */
    public static BlockCodec of(GgmlType type) {
        BlockCodec c = find(type);
        if (c == null) {
            throw new UnsupportedOperationException("no codec for tensor type " + type);
        }
        return c;
    }
}
