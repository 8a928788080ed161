package dev.sirocco.engine.tensor.quant;

import java.lang.foreign.MemorySegment;

/**
 * The rounding helpers and scale searches of ggml's reference quantizers (ggml/src/ggml-quants.c),
 * written so every float operation happens in the same order as there: the files we write must be
 * byte-identical to llama-quantize's. (ggml-base is built without FMA contraction, and Java never
 * contracts, so the same order gives the same bits.)
 */
final class QuantMath {
    /** ggml's GROUP_MAX_EPS: groups whose largest magnitude is below this count as all zero. */
    static final float GROUP_MAX_EPS = 1e-15f;

    private QuantMath() {
    }

    /**
     * ggml's {@code nearest_int}: adds 1.5 * 2^23 so the float adder rounds to nearest-even, then reads
     * the integer out of the mantissa. Equal to {@code Math.rint} for |f| < 2^22; beyond that it wraps
     * the same way ggml's does.
     */
    static int nearestInt(float f) {
        float v = f + 12582912.f;
        return (Float.floatToRawIntBits(v) & 0x007fffff) - 0x00400000;
    }

    /** C's {@code roundf}: halfway cases away from zero (Math.round rounds them up instead). */
    static float roundf(float f) {
        if (Float.isNaN(f) || Float.isInfinite(f)) {
            return f;
        }
        double r = Math.floor(Math.abs((double) f) + 0.5);
        return (float) Math.copySign(r, f);
    }

    /** C's conversion of a float to a signed byte via int, as x86 compilers emit it (truncate, keep the low byte). */
    static int toInt8(float f) {
        return (byte) (int) f;
    }

    /** ggml's {@code get_scale_min_k4}: the 6-bit scale (low 8 bits of the result) of sub-block j. */
    static int scaleK4(int j, byte[] q) {
        if (j < 4) {
            return q[j] & 63;
        }
        return (q[j + 4] & 0xF) | (((q[j - 4] & 0xFF) >> 6) << 4);
    }

    /** ggml's {@code get_scale_min_k4}: the 6-bit min of sub-block j. */
    static int minK4(int j, byte[] q) {
        if (j < 4) {
            return q[j + 4] & 63;
        }
        return ((q[j + 4] & 0xFF) >> 4) | (((q[j] & 0xFF) >> 6) << 4);
    }

    /** {@link #scaleK4} over the 12 scale bytes at {@code off} of a segment. */
    static int scaleK4(int j, MemorySegment s, long off) {
        if (j < 4) {
            return Le.u8(s, off + j) & 63;
        }
        return (Le.u8(s, off + j + 4) & 0xF) | ((Le.u8(s, off + j - 4) >> 6) << 4);
    }

    /** {@link #minK4} over the 12 scale bytes at {@code off} of a segment. */
    static int minK4(int j, MemorySegment s, long off) {
        if (j < 4) {
            return Le.u8(s, off + j + 4) & 63;
        }
        return (Le.u8(s, off + j + 4) >> 4) | ((Le.u8(s, off + j) >> 6) << 4);
    }

    /** Q3_K's 6-bit scale j (0..15, before subtracting 32) from the 12 scale bytes at {@code off}. */
    static int scaleQ3K(int j, MemorySegment s, long off) {
        int low = j < 8 ? Le.u8(s, off + j) & 0xF : Le.u8(s, off + j - 8) >> 4;
        int high = (Le.u8(s, off + 8 + (j & 3)) >> (2 * (j >> 2))) & 3;
        return low | (high << 4);
    }

    /**
     * ggml's {@code make_qx_quants} without importance weights: a symmetric scale for {@code n} values
     * {@code x[xOff..]} with levels {@code -nmax..nmax-1}, written to {@code L[lOff..]} as {@code l + nmax}.
     * {@code rmseType} 0: plain; 1..4: weights x^2, 1, |x|, sqrt|x| with a search over 18 nearby scales;
     * negative: one weighted refinement then return early.
     */
    static float makeQxQuants(int n, int nmax, float[] x, int xOff, int[] L, int lOff, int rmseType) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; ++i) {
            float ax = Math.abs(x[xOff + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xOff + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            for (int i = 0; i < n; ++i) {
                L[lOff + i] = 0;
            }
            return 0.f;
        }
        float iscale = -nmax / max;
        if (rmseType == 0) {
            for (int i = 0; i < n; ++i) {
                int l = nearestInt(iscale * x[xOff + i]);
                L[lOff + i] = nmax + Math.max(-nmax, Math.min(nmax - 1, l));
            }
            return 1 / iscale;
        }
        boolean returnEarly = false;
        if (rmseType < 0) {
            rmseType = -rmseType;
            returnEarly = true;
        }
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; ++i) {
            float xi = x[xOff + i];
            int l = nearestInt(iscale * xi);
            l = Math.max(-nmax, Math.min(nmax - 1, l));
            L[lOff + i] = l + nmax;
            float w = weight(rmseType, xi);
            sumlx += w * xi * l;
            suml2 += w * l * l;
        }
        float scale = suml2 != 0 ? sumlx / suml2 : 0.0f;
        if (returnEarly) {
            return suml2 > 0 ? 0.5f * (scale + 1 / iscale) : 1 / iscale;
        }
        float best = scale * sumlx;
        for (int is = -9; is <= 9; ++is) {
            if (is == 0) {
                continue;
            }
            iscale = -(nmax + 0.1f * is) / max;
            sumlx = 0;
            suml2 = 0;
            for (int i = 0; i < n; ++i) {
                float xi = x[xOff + i];
                int l = nearestInt(iscale * xi);
                l = Math.max(-nmax, Math.min(nmax - 1, l));
                float w = weight(rmseType, xi);
                sumlx += w * xi * l;
                suml2 += w * l * l;
            }
            if (suml2 > 0 && sumlx * sumlx > best * suml2) {
                for (int i = 0; i < n; ++i) {
                    int l = nearestInt(iscale * x[xOff + i]);
                    L[lOff + i] = nmax + Math.max(-nmax, Math.min(nmax - 1, l));
                }
                scale = sumlx / suml2;
                best = scale * sumlx;
            }
        }
        return scale;
    }

    private static float weight(int rmseType, float x) {
        return switch (rmseType) {
            case 1 -> x * x;
            case 2 -> 1;
            case 3 -> Math.abs(x);
            default -> (float) Math.sqrt(Math.abs(x));
        };
    }

    /**
     * ggml's {@code make_q3_quants}: symmetric levels {@code -nmax..nmax-1} for {@code n} values, refined
     * (with {@code doRmse}) by up to 5 rounds of x^2-weighted coordinate descent; {@code L} gets
     * {@code l + nmax} except for an all-zero group, which gets 0.
     */
    static float makeQ3Quants(int n, int nmax, float[] x, int xOff, int[] L, int lOff, boolean doRmse) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; ++i) {
            float ax = Math.abs(x[xOff + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xOff + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            for (int i = 0; i < n; ++i) {
                L[lOff + i] = 0;
            }
            return 0.f;
        }
        float iscale = -nmax / max;
        if (doRmse) {
            float sumlx = 0;
            float suml2 = 0;
            for (int i = 0; i < n; ++i) {
                float xi = x[xOff + i];
                int l = nearestInt(iscale * xi);
                l = Math.max(-nmax, Math.min(nmax - 1, l));
                L[lOff + i] = l;
                float w = xi * xi;
                sumlx += w * xi * l;
                suml2 += w * l * l;
            }
            for (int itry = 0; itry < 5; ++itry) {
                int nChanged = 0;
                for (int i = 0; i < n; ++i) {
                    float xi = x[xOff + i];
                    int li = L[lOff + i];
                    float w = xi * xi;
                    float slx = sumlx - w * xi * li;
                    if (slx > 0) {
                        float sl2 = suml2 - w * li * li;
                        int newL = nearestInt(xi * sl2 / slx);
                        newL = Math.max(-nmax, Math.min(nmax - 1, newL));
                        if (newL != li) {
                            slx += w * xi * newL;
                            sl2 += w * newL * newL;
                            if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
                                L[lOff + i] = newL;
                                sumlx = slx;
                                suml2 = sl2;
                                ++nChanged;
                            }
                        }
                    }
                }
                if (nChanged == 0) {
                    break;
                }
            }
            for (int i = 0; i < n; ++i) {
                L[lOff + i] += nmax;
            }
            return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
        }
        for (int i = 0; i < n; ++i) {
            int l = nearestInt(iscale * x[xOff + i]);
            l = Math.max(-nmax, Math.min(nmax - 1, l));
            L[lOff + i] = l + nmax;
        }
        return 1 / iscale;
    }

    /**
     * ggml's {@code make_qkx2_quants}: an asymmetric (scale, min) fit of {@code n} values to levels
     * {@code 0..nmax} minimising the weighted squared (or, with {@code useMad}, absolute) error over
     * {@code nstep + 1} candidate scales. Returns the scale; {@code theMin[minIdx]} gets {@code -min}
     * (a non-negative offset to subtract).
     */
    static float makeQkx2Quants(int n, int nmax, float[] x, int xOff, float[] weights, int[] L, int lOff,
                                float[] theMin, int minIdx, int[] lAux, float rmin, float rdelta, int nstep,
                                boolean useMad) {
        float min = x[xOff];
        float max = x[xOff];
        float sumW = weights[0];
        float sumX = sumW * x[xOff];
        for (int i = 1; i < n; ++i) {
            float xi = x[xOff + i];
            if (xi < min) {
                min = xi;
            }
            if (xi > max) {
                max = xi;
            }
            float w = weights[i];
            sumW += w;
            sumX += w * xi;
        }
        if (min > 0) {
            min = 0;
        }
        if (max == min) {
            for (int i = 0; i < n; ++i) {
                L[lOff + i] = 0;
            }
            theMin[minIdx] = -min;
            return 0.f;
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestError = 0;
        for (int i = 0; i < n; ++i) {
            int l = nearestInt(iscale * (x[xOff + i] - min));
            L[lOff + i] = Math.max(0, Math.min(nmax, l));
            float diff = scale * L[lOff + i] + min - x[xOff + i];
            diff = useMad ? Math.abs(diff) : diff * diff;
            bestError += weights[i] * diff;
        }
        if (nstep < 1) {
            theMin[minIdx] = -min;
            return scale;
        }
        for (int is = 0; is <= nstep; ++is) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0;
            float sumL2 = 0;
            float sumXl = 0;
            for (int i = 0; i < n; ++i) {
                float xi = x[xOff + i];
                int l = nearestInt(iscale * (xi - min));
                l = Math.max(0, Math.min(nmax, l));
                lAux[i] = l;
                float w = weights[i];
                sumL += w * l;
                sumL2 += w * l * l;
                sumXl += w * l * xi;
            }
            float D = sumW * sumL2 - sumL * sumL;
            if (D > 0) {
                float thisScale = (sumW * sumXl - sumX * sumL) / D;
                float thisMin = (sumL2 * sumX - sumL * sumXl) / D;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXl / sumL2;
                }
                float curError = 0;
                for (int i = 0; i < n; ++i) {
                    float diff = thisScale * lAux[i] + thisMin - x[xOff + i];
                    diff = useMad ? Math.abs(diff) : diff * diff;
                    curError += weights[i] * diff;
                }
                if (curError < bestError) {
                    System.arraycopy(lAux, 0, L, lOff, n);
                    bestError = curError;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        theMin[minIdx] = -min;
        return scale;
    }
}
