package dev.sirocco.train.ops;

import dev.sirocco.engine.tensor.Kernels;
import dev.sirocco.engine.tensor.Tensor;
import dev.sirocco.train.autograd.Tape;
import dev.sirocco.train.autograd.Var;

/** Token embedding lookup: from a frozen table in any tensor type (dequantized row by row as the engine does) or a trainable one. */
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

    /** Rows {@code tokens[t]} of the trainable {@code table (vocab, dim)} times {@code scale}; the gradient scatters back. */
    public static Var lookup(Tape tape, Var table, int[] tokens, float scale) {
        int dim = table.cols;
        Var y = tape.result(tokens.length, dim, table);
        for (int t = 0; t < tokens.length; t++) {
            if (tokens[t] < 0 || tokens[t] >= table.rows) {
                throw new IllegalArgumentException("token id " + tokens[t] + " at " + t + " is outside the vocabulary of " + table.rows);
            }
            for (int i = 0; i < dim; i++) {
                y.value[t * dim + i] = table.value[tokens[t] * dim + i] * scale;
            }
        }
        tape.onBackward(y, () -> {
            float[] dy = y.grad();
            float[] d = table.grad();
            for (int t = 0; t < tokens.length; t++) {
                for (int i = 0; i < dim; i++) {
                    d[tokens[t] * dim + i] += dy[t * dim + i] * scale;
                }
            }
        });
        return y;
    }
}
