package dev.sirocco.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level BPE encoding of one text fragment (llama.cpp's llm_tokenizer_bpe_session): pre-tokenize into words,
 * write each word's bytes as GPT-2 characters (or keep raw UTF-8 for SentencePiece-style BPE such as Gemma 4),
 * then within each word repeatedly merge the adjacent pair with the lowest merge rank (ties: leftmost).
 */
final class BpeEncoder {
    private static final int CACHE_LIMIT = 1 << 16;
    private final TokenTable table;
    /** Word to ids: a word's tokens depend on the word alone, and natural text repeats its words. */
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    BpeEncoder(TokenTable table) {
        this.table = table;
    }

    private record Bigram(int left, int right, String text, int rank) {
    }

    void encode(String text, List<Integer> out) {
        for (String raw : table.preTokenizer.split(text)) {
            String word = table.byteEncode ? ByteLevel.encode(raw) : raw;
            int[] ids = cache.get(word);
            if (ids == null) {
                List<Integer> wordIds = new ArrayList<>();
                encodeWord(word, wordIds);
                ids = wordIds.stream().mapToInt(Integer::intValue).toArray();
                if (cache.size() >= CACHE_LIMIT) {
                    cache.clear();
                }
                cache.put(word, ids);
            }
            for (int id : ids) {
                out.add(id);
            }
        }
    }

    private void encodeWord(String word, List<Integer> out) {
        // symbols: start/end char offsets into word (whole code points), linked left to right; merged-away ones are empty
        List<int[]> symbols = new ArrayList<>(); // {start, len, prev, next}
        boolean whole = false;
        if (table.ignoreMerges && table.id(word) >= 0) {
            whole = true;
        } else if (table.pre.equals("gemma4") && word.chars().allMatch(c -> c == '\n') && table.id(word) >= 0) {
            whole = true;
        }
        if (whole) {
            symbols.add(new int[] {0, word.length(), -1, -1});
        } else {
            int offs = 0;
            while (offs < word.length()) {
                int len = Character.charCount(word.codePointAt(offs));
                int index = symbols.size();
                symbols.add(new int[] {offs, len, index - 1, offs + len == word.length() ? -1 : index + 1});
                offs += len;
            }
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) ->
                a.rank != b.rank ? Integer.compare(a.rank, b.rank) : Integer.compare(a.left, b.left));
        for (int i = 1; i < symbols.size(); i++) {
            addBigram(word, symbols, i - 1, i, queue);
        }
        while (!queue.isEmpty()) {
            Bigram bigram = queue.poll();
            int[] left = symbols.get(bigram.left);
            int[] right = symbols.get(bigram.right);
            if (left[1] == 0 || right[1] == 0) {
                continue;
            }
            if (!text(word, left).concat(text(word, right)).equals(bigram.text)) {
                continue; // outdated
            }
            left[1] += right[1];
            right[1] = 0;
            left[3] = right[3];
            if (right[3] >= 0) {
                symbols.get(right[3])[2] = bigram.left;
            }
            addBigram(word, symbols, left[2], bigram.left, queue);
            addBigram(word, symbols, bigram.left, left[3], queue);
        }
        for (int[] symbol : symbols) {
            if (symbol[1] == 0) {
                continue;
            }
            String piece = text(word, symbol);
            int token = table.id(piece);
            if (token >= 0) {
                out.add(token);
                continue;
            }
            // not a token: fall back to one token per byte of the piece, skipping bytes that have none (as llama.cpp)
            for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
                int id;
                if (table.byteEncode) {
                    id = (b & 0x80) == 0 ? table.id(String.valueOf((char) b)) : -1;
                } else {
                    id = table.id(String.format("<0x%02X>", b & 0xFF));
                }
                if (id >= 0) {
                    out.add(id);
                }
            }
        }
    }

    private void addBigram(String word, List<int[]> symbols, int left, int right, PriorityQueue<Bigram> queue) {
        if (left == -1 || right == -1) {
            return;
        }
        String l = text(word, symbols.get(left));
        String r = text(word, symbols.get(right));
        int rank = table.rank(l, r);
        if (rank < 0) {
            return;
        }
        queue.add(new Bigram(left, right, l + r, rank));
    }

    private static String text(String word, int[] symbol) {
        return word.substring(symbol[0], symbol[0] + symbol[1]);
    }
}
