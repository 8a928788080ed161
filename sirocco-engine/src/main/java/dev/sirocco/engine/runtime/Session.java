package dev.sirocco.engine.runtime;

import dev.sirocco.engine.model.AdapterSet;
import dev.sirocco.engine.model.KvCache;
import dev.sirocco.engine.model.Transformer;

import java.util.Arrays;

/**
 * One sequence being evaluated: its KV cache, its position and the tokens seen so far. Tokens are
 * appended in batches of up to {@code batchSize} per forward pass. Not thread-safe: one caller at a time.
 */
public final class Session {
    private final Transformer model;
    private final KvCache cache;
    private final int batchSize;
    private final float[] logits;     // (batch, vocab): room for the logits of a whole batch
    private final float[] lastLogits; // (vocab): what evaluate returns, reused between calls
    private final int[] single = new int[1];
    private int[] history = new int[256];
    private int position;

    private final AdapterSet adapters; // per-sequence LoRA adapters, null for none

    Session(Transformer model, KvCache cache, int batchSize) {
        this(model, cache, batchSize, null);
    }

    Session(Transformer model, KvCache cache, int batchSize, AdapterSet adapters) {
        this.adapters = adapters;
        this.model = model;
        this.cache = cache;
        this.batchSize = Math.min(batchSize, model.maxBatch());
        this.logits = new float[this.batchSize * model.vocabSize()];
        this.lastLogits = new float[model.vocabSize()];
    }

    /** Tokens evaluated so far (the next token goes at this position). */
    public int position() {
        return position;
    }

    public int contextSize() {
        return cache.capacity();
    }

    public int vocabSize() {
        return model.vocabSize();
    }

    /** The tokens evaluated so far. */
    public int[] tokens() {
        return Arrays.copyOf(history, position);
    }

    /** Forgets everything after position {@code pos} (the cache entries are overwritten when reused). */
    public void truncate(int pos) {
        if (pos < 0 || pos > position) {
            throw new IllegalArgumentException("cannot truncate to " + pos + " with " + position + " tokens evaluated");
        }
        position = pos;
    }

    public void reset() {
        truncate(0);
    }

    /**
     * Appends {@code tokens} and returns the logits after the last one (an array reused by the next call;
     * copy it to keep it).
     */
    public float[] evaluate(int[] tokens) {
        requireRoom(tokens.length);
        for (int off = 0; off < tokens.length; off += batchSize) {
            int n = Math.min(batchSize, tokens.length - off);
            model.forward(tokens, off, n, position, cache, logits, false, adapters);
            record(tokens, off, n);
        }
        System.arraycopy(logits, 0, lastLogits, 0, lastLogits.length);
        return lastLogits;
    }

    /** Appends one token (the decode step: no allocation) and returns the logits after it, as {@link #evaluate(int[])}. */
    public float[] evaluate(int token) {
        single[0] = token;
        return evaluate(single);
    }

    /**
     * The embedding of {@code tokens} as a sequence of its own (the session is reset first and left holding them):
     * the final hidden states, after the output norm, pooled by {@code pooling} and scaled to unit length, as
     * llama.cpp's server returns them.
     */
    public float[] embed(int[] tokens, Pooling pooling) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("no tokens to embed");
        }
        reset();
        requireRoom(tokens.length);
        int dim = model.config().dim();
        float[] hidden = new float[batchSize * dim];
        double[] sum = new double[dim];
        for (int off = 0; off < tokens.length; off += batchSize) {
            int n = Math.min(batchSize, tokens.length - off);
            model.hiddenStates(tokens, off, n, position, cache, hidden, adapters);
            record(tokens, off, n);
            for (int t = 0; t < n; t++) {
                int index = off + t;
                boolean take = switch (pooling) {
                    case MEAN -> true;
                    case FIRST -> index == 0;
                    case LAST -> index == tokens.length - 1;
                };
                if (take) {
                    for (int i = 0; i < dim; i++) {
                        sum[i] += hidden[t * dim + i];
                    }
                }
            }
        }
        double scale = pooling == Pooling.MEAN ? 1.0 / tokens.length : 1.0;
        double norm = 0;
        for (int i = 0; i < dim; i++) {
            sum[i] *= scale;
            norm += sum[i] * sum[i];
        }
        norm = Math.sqrt(norm);
        float[] out = new float[dim];
        for (int i = 0; i < dim; i++) {
            out[i] = (float) (norm > 0 ? sum[i] / norm : 0);
        }
        return out;
    }

    /** How token states become one embedding (GGUF {@code <arch>.pooling_type}: 1 mean, 2 cls = first, 3 last). */
    public enum Pooling {
        MEAN, FIRST, LAST;

        /** The pooling a GGUF's {@code pooling_type} asks for; mean when it names none (decoder models). */
        public static Pooling ofGguf(int type) {
            return switch (type) {
                case 2 -> FIRST;
                case 3 -> LAST;
                default -> MEAN;
            };
        }
    }

    /** Appends {@code tokens} and returns the logits after each of them, {@code (tokens.length, vocab)} row-major. */
    public float[] evaluateAll(int[] tokens) {
        requireRoom(tokens.length);
        int vocab = model.vocabSize();
        float[] all = new float[Math.multiplyExact(tokens.length, vocab)];
        for (int off = 0; off < tokens.length; off += batchSize) {
            int n = Math.min(batchSize, tokens.length - off);
            model.forward(tokens, off, n, position, cache, logits, true, adapters);
            System.arraycopy(logits, 0, all, off * vocab, n * vocab);
            record(tokens, off, n);
        }
        return all;
    }

    private void requireRoom(int n) {
        if (n == 0) {
            throw new IllegalArgumentException("no tokens to evaluate");
        }
        if (position + n > cache.capacity()) {
            throw new ContextFullException(position, n, cache.capacity());
        }
    }

    private void record(int[] tokens, int off, int n) {
        if (position + n > history.length) {
            history = Arrays.copyOf(history, Math.max(history.length * 2, position + n));
        }
        System.arraycopy(tokens, off, history, position, n);
        position += n;
    }
}
