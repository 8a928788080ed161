package dev.sirocco.engine.runtime.constraint;

import java.util.Arrays;

/**
 * The vocabulary's token texts as a byte trie, laid out in preorder so a walk is one forward scan: a node that
 * rejects its byte skips its whole subtree ({@link #subtreeEnd}). Built by {@link TokenIndex} from the bytes each token
 * prints ({@link dev.sirocco.engine.tokenizer.Tokenizer#tokenBytes(int)}); control, unknown and unused tokens print
 * nothing and are not in it, so a constrained output never contains them.
 */
public final class TokenTrie {
    // Node i (0 .. size): the byte on the edge into it, its depth (1 = a first byte), the index after its subtree,
    // and the tokens whose bytes end exactly here: ids[tokenStart[i] .. tokenStart[i + 1]).
    private final byte[] label;
    private final short[] depth;
    private final int[] subtreeEnd;
    private final int[] tokenStart;
    private final int[] ids;
    private final int maxDepth;
    private final int vocabSize;

    private TokenTrie(byte[] label, short[] depth, int[] subtreeEnd, int[] tokenStart, int[] ids, int vocabSize) {
        this.label = label;
        this.depth = depth;
        this.subtreeEnd = subtreeEnd;
        this.tokenStart = tokenStart;
        this.ids = ids;
        this.vocabSize = vocabSize;
        int max = 0;
        for (short d : depth) {
            max = Math.max(max, d);
        }
        this.maxDepth = max;
    }

    /** The trie of the non-null, non-empty {@code bytes[id]}; {@code vocabSize} is the vocabulary's size. */
    static TokenTrie build(byte[][] bytes, int vocabSize) {
        int n = bytes.length;
        Integer[] order = new Integer[n];
        int kept = 0;
        for (int id = 0; id < n; id++) {
            byte[] b = bytes[id];
            if (b != null && b.length > 0 && b.length <= Short.MAX_VALUE) {
                order[kept++] = id;
            }
        }
        Integer[] sorted = Arrays.copyOf(order, kept);
        Arrays.sort(sorted, (a, b) -> {
            int c = Arrays.compareUnsigned(bytes[a], bytes[b]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        // In sorted order a token's prefixes come before it, so the trie's preorder is the sorted order with each
        // new suffix's bytes as new nodes below the part shared with the previous token.
        int capacity = 1024;
        byte[] label = new byte[capacity];
        short[] depth = new short[capacity];
        int[] subtreeEnd = new int[capacity];
        int[] tokenCount = new int[capacity];
        int[] ids = new int[kept];
        int[] path = new int[Short.MAX_VALUE + 1]; // path[d]: the open node at depth d
        int size = 0;
        int open = 0; // depth of the deepest open node
        byte[] previous = new byte[0];
        for (int k = 0; k < kept; k++) {
            int id = sorted[k];
            byte[] b = bytes[id];
            int lcp = Arrays.mismatch(previous, b);
            if (lcp < 0) {
                lcp = b.length; // the same bytes as the previous token
            }
            for (int d = open; d > lcp; d--) {
                subtreeEnd[path[d]] = size;
            }
            open = Math.min(open, lcp);
            for (int d = lcp + 1; d <= b.length; d++) {
                if (size == capacity) {
                    capacity *= 2;
                    label = Arrays.copyOf(label, capacity);
                    depth = Arrays.copyOf(depth, capacity);
                    subtreeEnd = Arrays.copyOf(subtreeEnd, capacity);
                    tokenCount = Arrays.copyOf(tokenCount, capacity);
                }
                label[size] = b[d - 1];
                depth[size] = (short) d;
                path[d] = size++;
            }
            open = b.length;
            tokenCount[path[b.length]]++;
            ids[k] = id;
            previous = b;
        }
        for (int d = open; d >= 1; d--) {
            subtreeEnd[path[d]] = size;
        }
        int[] tokenStart = new int[size + 1];
        for (int i = 0; i < size; i++) {
            tokenStart[i + 1] = tokenStart[i] + tokenCount[i];
        }
        return new TokenTrie(Arrays.copyOf(label, size), Arrays.copyOf(depth, size), Arrays.copyOf(subtreeEnd, size),
                tokenStart, ids, vocabSize);
    }

    /** Nodes in the trie (distinct non-empty token byte prefixes). */
    public int size() {
        return label.length;
    }

    /** The longest token, in bytes. */
    public int maxDepth() {
        return maxDepth;
    }

    /** Tokens of the tokenizer's vocabulary, including those not in the trie. */
    public int vocabSize() {
        return vocabSize;
    }

    int label(int node) {
        return label[node] & 0xFF;
    }

    int depth(int node) {
        return depth[node];
    }

    int subtreeEnd(int node) {
        return subtreeEnd[node];
    }

    int firstToken(int node) {
        return tokenStart[node];
    }

    int endToken(int node) {
        return tokenStart[node + 1];
    }

    int token(int index) {
        return ids[index];
    }
}
