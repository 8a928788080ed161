package dev.sirocco.engine.tokenizer;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The rank of each BPE merge, keyed by the ids of the two tokens it joins: an open-addressing table of primitive
 * longs and ints. Llama 3's 280,000 merges took about 30 MB as a map of joined strings to boxed ranks; here 6 MB.
 * Merges whose parts are not both tokens (none in real vocabularies) keep a string-keyed map, so every merge counts.
 */
final class MergeRanks {
    private static final long EMPTY = -1L;

    private final long[] keys;
    private final int[] ranks;
    private final int mask;
    private final Map<String, Integer> byText = new HashMap<>();

    /** Ranks of {@code merges} ("left right", rank = index; the first of duplicates wins), with ids from {@code table}. */
    MergeRanks(String[] merges, TokenTable table) {
        // a power of two at least 4/3 of the merges: the table stays at most three quarters full
        int capacity = Integer.highestOneBit(Math.max(4, merges.length * 4 / 3)) << 1;
        keys = new long[capacity];
        ranks = new int[capacity];
        mask = capacity - 1;
        Arrays.fill(keys, EMPTY);
        for (int r = 0; r < merges.length; r++) {
            String m = merges[r];
            int space = m.indexOf(' ', 1);
            String left = space < 0 ? "" : m.substring(0, space);
            String right = space < 0 ? "" : m.substring(space + 1);
            int l = table.id(left);
            int rt = table.id(right);
            if (l >= 0 && rt >= 0) {
                put(key(l, rt), r);
            } else {
                byText.putIfAbsent(TokenTable.pairKey(left, right), r);
            }
        }
    }

    /** The rank of merging {@code left} and {@code right}, or -1 when no merge joins them. */
    int rank(String left, String right, TokenTable table) {
        int l = table.id(left);
        int r = table.id(right);
        if (l >= 0 && r >= 0) {
            int at = slot(key(l, r));
            if (keys[at] != EMPTY) {
                return ranks[at];
            }
        }
        if (byText.isEmpty()) {
            return -1;
        }
        Integer rank = byText.get(TokenTable.pairKey(left, right));
        return rank == null ? -1 : rank;
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private void put(long key, int rank) {
        int at = slot(key);
        if (keys[at] == EMPTY) {
            keys[at] = key;
            ranks[at] = rank;
        }
    }

    /** The slot holding {@code key}, or the empty slot where it would go (the table is never full). */
    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        int at = (int) (h >>> 40) & mask;
        while (keys[at] != EMPTY && keys[at] != key) {
            at = (at + 1) & mask;
        }
        return at;
    }
}
