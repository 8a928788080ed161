package dev.sirocco.engine.model;

/**
 * The tokens of one forward pass, grouped into segments: each segment is consecutive tokens of one
 * sequence, at its own positions, with its own KV cache. Continuous batching puts many sequences' segments
 * (a decode token each, or a chunk of a prompt) into one pass so the weights are read once for all of them.
 * Reused from step to step: {@link #clear()} then {@link #add} allocates nothing.
 */
public final class Batch {
    final int[] tokens;   // (size): the tokens of all segments, segment after segment
    int size;
    final int[] start;    // (segments): index of the segment's first token in tokens
    final int[] length;   // (segments): its token count
    final int[] position; // (segments): the position of its first token in its sequence
    final KvCache[] cache;
    final AdapterSet[] adapters; // (segments): per-sequence LoRA adapters, null for none
    int segments;

    public Batch(int maxTokens, int maxSegments) {
        tokens = new int[maxTokens];
        start = new int[maxSegments];
        length = new int[maxSegments];
        position = new int[maxSegments];
        cache = new KvCache[maxSegments];
        adapters = new AdapterSet[maxSegments];
    }

    public void clear() {
        size = 0;
        java.util.Arrays.fill(cache, 0, segments, null);
        java.util.Arrays.fill(adapters, 0, segments, null);
        segments = 0;
    }

    /** Appends {@code n} tokens of one sequence, the first at position {@code startPos} of {@code kv}. */
    public void add(int[] src, int off, int n, int startPos, KvCache kv) {
        add(src, off, n, startPos, kv, null);
    }

    /** As {@link #add(int[], int, int, int, KvCache)}, the sequence running with {@code adapters} (null: none). */
    public void add(int[] src, int off, int n, int startPos, KvCache kv, AdapterSet adapterSet) {
        if (n < 1 || size + n > tokens.length || segments == start.length) {
            throw new IllegalArgumentException("a segment of " + n + " tokens does not fit a batch holding " + size
                    + " of " + tokens.length + " tokens in " + segments + " of " + start.length + " segments");
        }
        if (startPos < 0 || startPos + n > kv.capacity()) {
            throw new IllegalArgumentException("positions " + startPos + ".." + (startPos + n - 1)
                    + " do not fit the context of " + kv.capacity() + " tokens");
        }
        System.arraycopy(src, off, tokens, size, n);
        start[segments] = size;
        length[segments] = n;
        position[segments] = startPos;
        cache[segments] = kv;
        adapters[segments] = adapterSet;
        segments++;
        size += n;
    }

    /** Tokens in the batch. */
    public int size() {
        return size;
    }

    public int segments() {
        return segments;
    }
}
