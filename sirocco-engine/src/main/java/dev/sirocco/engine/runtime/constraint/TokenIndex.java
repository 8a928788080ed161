package dev.sirocco.engine.runtime.constraint;

import dev.sirocco.engine.tokenizer.Tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * What a constraint needs of a vocabulary, computed once per tokenizer: the trie of every token's bytes, and the
 * split of tokens into plain text (see {@link ByteMatcher#plainTextLimit()}), sorted by character count, and the
 * rest in a trie of their own. Inside a JSON string ~95% of the vocabulary is plain and is taken by count, so only
 * the rest is walked byte by byte.
 */
public final class TokenIndex {
    private static final Map<Tokenizer, TokenIndex> CACHE = new WeakHashMap<>();

    final TokenTrie all;
    final TokenTrie notPlain;
    final int[] plainIds;   // plain tokens by ascending character count
    final int[] plainChars; // their character counts

    private TokenIndex(TokenTrie all, TokenTrie notPlain, int[] plainIds, int[] plainChars) {
        this.all = all;
        this.notPlain = notPlain;
        this.plainIds = plainIds;
        this.plainChars = plainChars;
    }

    /** The index of {@code tokenizer}'s vocabulary, built on first use and kept while the tokenizer lives. */
    public static TokenIndex of(Tokenizer tokenizer) {
        synchronized (CACHE) {
            return CACHE.computeIfAbsent(tokenizer, TokenIndex::build);
        }
    }

    private static TokenIndex build(Tokenizer tokenizer) {
        int n = tokenizer.vocabulary().size();
        byte[][] bytes = new byte[n][];
        int[] chars = new int[n];
        int plain = 0;
        for (int id = 0; id < n; id++) {
            byte[] b = tokenizer.tokenBytes(id, false);
            bytes[id] = b;
            chars[id] = b.length == 0 ? -1 : plainCharacters(b);
            if (chars[id] >= 0) {
                plain++;
            }
        }
        Integer[] order = new Integer[plain];
        byte[][] rest = new byte[n][];
        for (int id = 0, k = 0; id < n; id++) {
            if (chars[id] >= 0) {
                order[k++] = id;
            } else {
                rest[id] = bytes[id];
            }
        }
        Arrays.sort(order, (a, b) -> chars[a] != chars[b] ? Integer.compare(chars[a], chars[b]) : Integer.compare(a, b));
        int[] ids = new int[plain];
        int[] counts = new int[plain];
        for (int k = 0; k < plain; k++) {
            ids[k] = order[k];
            counts[k] = chars[order[k]];
        }
        return new TokenIndex(TokenTrie.build(bytes, n), TokenTrie.build(rest, n), ids, counts);
    }

    /** The token's character count if its bytes are plain text, else -1. */
    static int plainCharacters(byte[] b) {
        String s = new String(b, StandardCharsets.UTF_8);
        if (!Arrays.equals(s.getBytes(StandardCharsets.UTF_8), b)) {
            return -1; // not whole, valid UTF-8 characters
        }
        int count = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (cp < 0x20 || cp == '"' || cp == '\\' || cp == 0xFFFD) {
                return -1;
            }
            count++;
            i += Character.charCount(cp);
        }
        return count;
    }

    public TokenTrie trie() {
        return all;
    }
}
