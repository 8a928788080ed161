package dev.sirocco.train.ops;

import dev.sirocco.engine.model.Rope;
import dev.sirocco.train.autograd.Tape;
import dev.sirocco.train.autograd.Var;

/** Rotary position embedding, the engine's {@link Rope} (pairing, base, factors) applied to every head of every row. */
public final class Rotary {
    private Rotary() {
    }

    /** Rotates {@code x (n, heads * headDim)}, row t at position {@code startPos + t}. */
    public static Var rope(Tape tape, Var x, Rope rope, int heads, int headDim, int startPos) {
        if (x.cols != heads * headDim) {
            throw new IllegalArgumentException("rope over " + heads + " heads of " + headDim + ", got rows of " + x.cols);
        }
        int n = x.rows;
        int half = rope.ropeDim() / 2;
        float[] cos = new float[n * half];
        float[] sin = new float[n * half];
        Var y = tape.result(n, x.cols, x);
        System.arraycopy(x.value, 0, y.value, 0, x.size());
        tape.forRange(n, x.cols, (from, to) -> {
            float[] c = new float[half];
            float[] s = new float[half];
            for (int t = from; t < to; t++) {
                rope.angles(startPos + t, c, s);
                System.arraycopy(c, 0, cos, t * half, half);
                System.arraycopy(s, 0, sin, t * half, half);
                rope.apply(y.value, t * x.cols, heads, headDim, c, s);
            }
        });
        tape.onBackward(y, () -> {
            // A rotation's transpose is the rotation by minus the angle.
            float[] dy = y.grad();
            float[] dx = x.grad();
            tape.forRange(n, 2L * x.cols, (from, to) -> {
                float[] c = new float[half];
                float[] s = new float[half];
                float[] back = new float[x.cols];
                for (int t = from; t < to; t++) {
                    System.arraycopy(cos, t * half, c, 0, half);
                    for (int i = 0; i < half; i++) {
                        s[i] = -sin[t * half + i];
                    }
                    System.arraycopy(dy, t * x.cols, back, 0, x.cols);
                    rope.apply(back, 0, heads, headDim, c, s);
                    int base = t * x.cols;
                    for (int i = 0; i < x.cols; i++) {
                        dx[base + i] += back[i];
                    }
                }
            });
        });
        return y;
    }
}
