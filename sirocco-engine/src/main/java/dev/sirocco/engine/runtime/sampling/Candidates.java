package dev.sirocco.engine.runtime.sampling;

import java.util.Objects;

/**
 * The candidate tokens of one position — ids, logits and (after {@link #softmax()}) probabilities — in
 * arrays preallocated to the vocabulary size, so filtering and sorting never allocate per token.
 *
 * <p>Filters shrink {@link #size()}; sorting orders by logit descending, ties by lower id first, so every
 * result is deterministic (llama.cpp leaves the order of ties unspecified).
 */
public final class Candidates {

    // A sort/selection runs on packed 64-bit keys: high half = logit mapped to an int whose
    // order is the reverse of the float order, low half = token id. Ascending keys are then
    // "logit descending, id ascending", a plain long sort needs no comparator, and the key
    // decodes back to (logit, id) exactly.
    private final long[] keys;
    private final long[] sortBuffer;  // radix sort scratch; only vocabularies large enough to use it get one
    private final int[] digitCounts;
    final int[] ids;
    final float[] logits;
    final float[] probs;
    int size;
    boolean sorted;
    // max logit and exp-sum of the last softmax(), so a probability can be recomputed bit-identically from a logit
    private float softmaxMax;
    private float softmaxSum;

    public Candidates(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        keys = new long[capacity];
        boolean large = capacity >= LongSort.RADIX_FROM;
        sortBuffer = large ? new long[capacity] : null;
        digitCounts = large ? new int[LongSort.RADIX] : null;
        ids = new int[capacity];
        logits = new float[capacity];
        probs = new float[capacity];
    }

    /** Resets to every token of the vocabulary with its logit (copied; {@code vocabLogits} is not modified). */
    public void load(float[] vocabLogits) {
        if (vocabLogits.length != ids.length) {
            throw new IllegalArgumentException("expected " + ids.length + " logits, got " + vocabLogits.length);
        }
        load(vocabLogits, 0);
    }

    /**
     * Resets to every token of the vocabulary with the logits at {@code rows[offset .. offset + capacity)},
     * e.g. one row of a batch's (positions, vocab) logits. Probabilities are stale until {@link #softmax()}.
     */
    public void load(float[] rows, int offset) {
        int n = ids.length;
        Objects.checkFromIndexSize(offset, n, rows.length);
        System.arraycopy(rows, offset, logits, 0, n);
        for (int i = 0; i < n; i++) {
            ids[i] = i;
        }
        size = n;
        sorted = false;
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return ids.length;
    }

    /** Whether positions are in logit-descending order (ties by lower id). */
    public boolean isSorted() {
        return sorted;
    }

    public int id(int i) {
        checkIndex(i);
        return ids[i];
    }

    public float logit(int i) {
        checkIndex(i);
        return logits[i];
    }

    /**
     * Probability of position i as last computed by {@link #softmax()}, top-p or the sampler's draw;
     * stale after a sort or a logit change until the next {@code softmax()}.
     */
    public float prob(int i) {
        checkIndex(i);
        return probs[i];
    }

    /** Sets a logit; the candidates are then no longer known to be sorted. */
    public void setLogit(int i, float logit) {
        checkIndex(i);
        logits[i] = logit;
        sorted = false;
    }

    public float maxLogit() {
        if (size == 0) {
            throw new IllegalStateException("no candidates");
        }
        if (sorted) {
            return logits[0];
        }
        float max = logits[0];
        for (int i = 1; i < size; i++) {
            max = Math.max(max, logits[i]);
        }
        return max;
    }

    /**
     * Fills the probabilities: {@code p_i = exp(l_i - max) / sum_j exp(l_j - max)}, in float as
     * llama.cpp's {@code llama_sampler_softmax_impl} does (no sorting).
     */
    public void softmax() {
        float max = maxLogit();
        float sum = 0f;
        for (int i = 0; i < size; i++) {
            float e = (float) Math.exp(logits[i] - max);
            probs[i] = e;
            sum += e;
        }
        for (int i = 0; i < size; i++) {
            probs[i] /= sum;
        }
        softmaxMax = max;
        softmaxSum = sum;
    }

    /** The probability {@link #softmax()} gave (or would give) a candidate with this logit. */
    float softmaxProb(float logit) {
        return (float) Math.exp(logit - softmaxMax) / softmaxSum;
    }

    /** Keeps the first n positions. */
    public void truncate(int n) {
        if (n < 0 || n > size) {
            throw new IllegalArgumentException("cannot truncate " + size + " candidates to " + n);
        }
        size = n;
    }

    /** Keeps the k highest logits, sorted; partial selection, not a full sort, when k is small. */
    public void keepTop(int k) {
        if (k <= 0) {
            throw new IllegalArgumentException("k must be positive, got " + k);
        }
        k = Math.min(k, size);
        if (!sorted) {
            selectTopKeys(k);
            decodeKeys(k);
            sorted = true;
        }
        size = k;
    }

    /** Sorts all candidates, logit descending, ties by lower id. */
    public void sortDescending() {
        if (size > 0) {
            keepTop(size);
        }
    }

    /** Keeps, in their current order, the candidates whose logit is at least {@code minLogit}; returns how many. */
    public int retainAtLeast(float minLogit) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (logits[i] >= minLogit) {
                ids[kept] = ids[i];
                logits[kept] = logits[i];
                probs[kept] = probs[i];
                kept++;
            }
        }
        size = kept;
        return kept;
    }

    /**
     * Keeps, in their current order, the candidates whose token id is set in {@code tokens}; returns how many.
     * The loop repeats {@link #retainAtLeast}'s on purpose: a shared loop taking a capturing lambda would allocate
     * on every token (SamplerTest holds sampling to zero allocations).
     */
    public int retainAllowed(java.util.BitSet tokens) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (tokens.get(ids[i])) {
                ids[kept] = ids[i];
                logits[kept] = logits[i];
                probs[kept] = probs[i];
                kept++;
            }
        }
        size = kept;
        return kept;
    }

    /**
     * Writes the keys of the k best candidates, best first, to the key buffer without changing the
     * candidates: a bounded max-heap of the k best keys seen so far (O(n log k)), or a full sort when
     * k is a large share of n.
     */
    void selectTopKeys(int k) {
        long[] h = keys;
        int n = size;
        if (k > 1024 && k > n / 8) {
            for (int i = 0; i < n; i++) {
                h[i] = key(logits[i], ids[i]);
            }
            LongSort.sort(h, 0, n, sortBuffer, digitCounts);
            return;
        }
        for (int i = 0; i < k; i++) {
            h[i] = key(logits[i], ids[i]);
        }
        for (int i = k / 2 - 1; i >= 0; i--) {
            LongSort.siftDown(h, 0, i, k);
        }
        for (int i = k; i < n; i++) {
            long x = key(logits[i], ids[i]);
            if (x < h[0]) { // better than the worst kept
                h[0] = x;
                LongSort.siftDown(h, 0, 0, k);
            }
        }
        LongSort.sort(h, 0, k, sortBuffer, digitCounts);
    }

    long selectedKey(int i) {
        return keys[i];
    }

    /** Replaces the first n positions by the first n selected keys (the candidates become sorted). */
    void decodeKeys(int n) {
        for (int i = 0; i < n; i++) {
            ids[i] = idOf(keys[i]);
            logits[i] = logitOf(keys[i]);
        }
    }

    static long key(float logit, int id) {
        int bits = Float.floatToRawIntBits(logit + 0f); // + 0f turns -0 into +0 so the two tie
        int ordered = bits ^ ((bits >> 31) & 0x7fffffff); // int order == float order
        return ((long) ~ordered << 32) | (id & 0xffffffffL);
    }

    static float logitOf(long key) {
        int ordered = ~(int) (key >>> 32);
        return Float.intBitsToFloat(ordered ^ ((ordered >> 31) & 0x7fffffff));
    }

    static int idOf(long key) {
        return (int) key;
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("candidate " + i + " of " + size);
        }
    }
}
