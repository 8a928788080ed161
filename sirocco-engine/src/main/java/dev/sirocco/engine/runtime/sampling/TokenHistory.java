package dev.sirocco.engine.runtime.sampling;

/**
 * The last N accepted tokens of a sequence (a ring buffer) with a per-token count over that window,
 * so penalties look up a count in O(1) without allocating.
 */
public final class TokenHistory {

    private final int[] ring;      // (capacity) token ids, oldest at head
    private final int[] counts;    // (vocab) occurrences within the window
    private int head;
    private int size;

    public TokenHistory(int capacity, int vocabSize) {
        if (capacity < 0 || vocabSize <= 0) {
            throw new IllegalArgumentException("capacity " + capacity + ", vocab size " + vocabSize);
        }
        ring = new int[capacity];
        counts = new int[vocabSize];
    }

    /** Records a token; the oldest one leaves the window once it is full. A zero-capacity history ignores it. */
    public void add(int token) {
        if (token < 0 || token >= counts.length) {
            throw new IllegalArgumentException("token " + token + " outside vocabulary of " + counts.length);
        }
        int capacity = ring.length;
        if (capacity == 0) {
            return;
        }
        if (size == capacity) {
            counts[ring[head]]--;
            ring[head] = token;
            head = head + 1 == capacity ? 0 : head + 1;
        } else {
            int tail = head + size;
            ring[tail >= capacity ? tail - capacity : tail] = token;
            size++;
        }
        counts[token]++;
    }

    /** How often the token occurs among the last {@link #capacity()} tokens. */
    public int count(int token) {
        return counts[token];
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return ring.length;
    }

    /** The i-th token of the window, 0 = oldest. */
    public int get(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("history index " + i + " of " + size);
        }
        int at = head + i;
        return ring[at >= ring.length ? at - ring.length : at];
    }

    public void clear() {
        for (int i = 0; i < size; i++) {
            counts[get(i)] = 0;
        }
        head = 0;
        size = 0;
    }
}
