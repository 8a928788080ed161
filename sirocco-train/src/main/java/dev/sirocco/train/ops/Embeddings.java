package dev.sirocco.train.ops;

import dev.sirocco.engine.tensor.Kernels;
import dev.sirocco.engine.tensor.Tensor;
import dev.sirocco.train.autograd.Tape;
import dev.sirocco.train.autograd.Var;

/** Token embedding lookup from a frozen table in any tensor type, dequantized row by row as the engine does. */
public final class Embeddings {
    private Embeddings() {
    }

    /** Rows {@code tokens[t]} of {@code table} ({dim, vocab}) times {@code scale} → {@code (n, dim)}; a constant. */
    public static Var lookup(Tape tape, Tensor table, int[] tokens, float scale, Kernels kernels) {
        int dim = table.rowLength();
        long vocab = table.rows();
        float[] out = new float[tokens.length * dim];
        for (int t = 0; t < tokens.length; t++) {
            if (tokens[t] < 0 || tokens[t] >= vocab) {
                throw new IllegalArgumentException("token id " + tokens[t] + " at " + t + " is outside the vocabulary of " + vocab);
            }
            kernels.dequantizeRow(table, tokens[t], out, t * dim);
            if (scale != 1f) {
                for (int i = t * dim; i < (t + 1) * dim; i++) {
                    out[i] *= scale;
                }
            }
        }
        return tape.constant(out, tokens.length, dim);
    }
}
