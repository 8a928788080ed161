package dev.sirocco.engine.model;

import dev.sirocco.engine.tensor.AttentionKernels;
import dev.sirocco.engine.tensor.ScalarAttentionKernels;

/**
 * The element-wise and row-wise float operations of the forward pass, written to round like
 * ggml's CPU backend (sums of squares and softmax denominators in double, products in float),
 * so intermediate activations can be compared with llama.cpp's.
 */
public final class FloatOps {
    private static final AttentionKernels SCALAR = new ScalarAttentionKernels();

    private FloatOps() {
    }

    /** {@code out = (x * 1/sqrt(mean(x^2) + eps)) * weight} over {@code n} elements (ggml_rms_norm then ggml_mul). */
    public static void rmsNorm(float[] out, int outOff, float[] x, int xOff, float[] weight, int n, float eps) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            sum += v * v;
        }
        float mean = (float) (sum / n);
        // ggml: 1.0f/sqrtf(mean + eps), both steps rounded to float; 1.0 / Math.sqrt in double, rounded once,
        // differs by an ulp for some inputs, which can flip a Q8 activation rounding downstream.
        // (float) Math.sqrt(float) is the correctly rounded float square root, as sqrtf.
        float scale = 1.0f / (float) Math.sqrt(mean + eps);
        for (int i = 0; i < n; i++) {
            out[outOff + i] = (x[xOff + i] * scale) * weight[i];
        }
    }

    /**
     * In-place softmax of {@code x[off .. off+n)} as ggml_soft_max_f32 on AVX2: max, then exp(x - max) with ggml's
     * polynomial exp per block of 8 (each block's sum a float tree, the blocks summed in double) and libm's exp on
     * the {@code n % 8} tail, then one multiply by the float of {@code 1 / sum}.
     */
    public static void softmax(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        int blocked = n & ~7;
        double sum = blocked > 0 ? SCALAR.softmaxNumerators(x, off, blocked, 0, max) : 0;
        for (int i = blocked; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < n; i++) {
            x[off + i] *= inv;
        }
    }

    /** {@code gate[i] = silu(gate[i]) * up[i]} (SwiGLU) as ggml_vec_swiglu_f32 (see {@link AttentionKernels#swiglu}). */
    public static void siluMul(float[] gate, float[] up, int off, int n) {
        SCALAR.swiglu(gate, up, off, n);
    }

    private static final float SQRT_2_OVER_PI = 0.79788456080286535587989211986876f;
    private static final float GELU_COEF_A = 0.044715f;

    /**
     * {@code gate[i] = gelu(gate[i]) * up[i]} (GeGLU) with ggml's tanh approximation, looked up at F16
     * precision as ggml's CPU backend does (GGML_GELU_FP16): gelu(f16(x)) rounded to f16.
     */
    public static void geluMul(float[] gate, float[] up, int off, int n) {
        for (int i = off; i < off + n; i++) {
            float x = gate[i];
            float g;
            if (x <= -10f) {
                g = 0f;
            } else if (x >= 10f) {
                g = x;
            } else {
                float h = Float.float16ToFloat(Float.floatToFloat16(x));
                g = Float.float16ToFloat(Float.floatToFloat16(gelu(h)));
            }
            gate[i] = g * up[i];
        }
    }

    /**
     * ggml_gelu_f32 as the prebuilt x86 CPU backends compile it for their GELU table (ggml_cpu_init): with
     * FMA contraction, {@code 1.0f + GELU_COEF_A*x*x} becomes {@code fma(x, GELU_COEF_A*x, 1.0f)}; the plain
     * float form rounds one f16 table entry (x = -1.999) differently.
     */
    static float gelu(float x) {
        return 0.5f * x * (1.0f + (float) Math.tanh(SQRT_2_OVER_PI * x * Math.fma(x, GELU_COEF_A * x, 1.0f)));
    }

    /** {@code y[i] += x[i]}. */
    public static void add(float[] y, int yOff, float[] x, int xOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += x[xOff + i];
        }
    }

    /** {@code x[i] = cap * tanh(x[i] / cap)} (logit soft-capping). */
    public static void softcap(float[] x, int off, int n, float cap) {
        for (int i = off; i < off + n; i++) {
            x[i] = cap * (float) Math.tanh(x[i] / cap);
        }
    }
}
