package dev.sirocco.engine.model;

/**
 * Rotary position embedding as ggml_rope_ext computes it (no YaRN): the angle of pair {@code i} at
 * position {@code p} is {@code freqScale * p * base^(-2i/ropeDim) / factor[i]}, built by repeated
 * multiplication in float like ggml's rope cache so the angles round the same way.
 * Immutable; callers bring their own cos/sin scratch of {@code ropeDim / 2} floats.
 */
public record Rope(Architecture.RopeStyle style, int ropeDim, float thetaScale, float freqScale, float[] factors) {

    public static Rope of(Architecture.RopeStyle style, int ropeDim, float base, float freqScale, float[] factors) {
        return new Rope(style, ropeDim, (float) Math.pow(base, -2.0 / ropeDim), freqScale, factors);
    }

    /** Fills {@code cos} and {@code sin} with the angles of position {@code pos}. */
    public void angles(int pos, float[] cos, float[] sin) {
        float theta = pos;
        for (int i = 0; i < ropeDim / 2; i++) {
            float extrapolated = factors != null ? theta / factors[i] : theta;
            float angle = freqScale * extrapolated;
            cos[i] = (float) Math.cos(angle);
            sin[i] = (float) Math.sin(angle);
            theta *= thetaScale;
        }
    }

    /** Rotates {@code heads} consecutive heads of {@code headDim} elements starting at {@code x[off]}. */
    public void apply(float[] x, int off, int heads, int headDim, float[] cos, float[] sin) {
        int half = ropeDim / 2;
        boolean adjacent = style == Architecture.RopeStyle.ADJACENT_PAIRS;
        for (int h = 0; h < heads; h++) {
            int b = off + h * headDim;
            for (int i = 0; i < half; i++) {
                int i0 = adjacent ? b + 2 * i : b + i;
                int i1 = adjacent ? i0 + 1 : i0 + half;
                float x0 = x[i0];
                float x1 = x[i1];
                // ggml's rotate_pairs (ggml-cpu/ops.cpp) writes x0*cos - x1*sin and x0*sin + x1*cos; the
                // prebuilt x86 CPU backends that have FMA are compiled with contraction on, and the compiled
                // NORM (vectorized) and NEOX (scalar) loops both fuse the x0 product and round the x1 product
                // (vfmsub/vfmadd after a vmul), so mirror that rounding: an ulp here can flip a Q8 activation.
                x[i0] = Math.fma(x0, cos[i], -(x1 * sin[i]));
                x[i1] = Math.fma(x0, sin[i], x1 * cos[i]);
            }
        }
    }
}
