package dev.sirocco.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * SentencePiece-style encoding of one text fragment (llama.cpp's llm_tokenizer_spm_session): start from single
 * characters, repeatedly merge the adjacent pair whose concatenation is the vocabulary token with the highest score
 * (ties: leftmost), then emit each piece; pieces that are not tokens are split back along their merges, and
 * characters that are not tokens become byte tokens {@code <0xXX>}.
 */
final class SpmEncoder {
    private final TokenTable table;
    private final int[] byteTokens = new int[256];

    SpmEncoder(TokenTable table) {
        this.table = table;
        for (int b = 0; b < 256; b++) {
            byteTokens[b] = findByteToken(b);
        }
    }

    private record Bigram(int left, int right, float score, int size) {
    }

    /** Symbols are UTF-8 byte ranges of the fragment, linked left to right; a merged-away symbol has n == 0. */
    void encode(String text, List<Integer> out) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0) {
            return;
        }
        List<int[]> symbols = new ArrayList<>(); // {start, n, prev, next}
        int offs = 0;
        while (offs < bytes.length) {
            int len = Math.min(utf8Length(bytes[offs]), bytes.length - offs);
            int index = symbols.size();
            symbols.add(new int[] {offs, len, index - 1, offs + len == bytes.length ? -1 : index + 1});
            offs += len;
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) -> {
            int c = Float.compare(b.score, a.score);
            return c != 0 ? c : Integer.compare(a.left, b.left);
        });
        Map<String, int[]> revMerge = new HashMap<>();
        for (int i = 1; i < symbols.size(); i++) {
            tryAddBigram(bytes, symbols, i - 1, i, queue, revMerge);
        }
        while (!queue.isEmpty()) {
            Bigram bigram = queue.poll();
            int[] left = symbols.get(bigram.left);
            int[] right = symbols.get(bigram.right);
            if (left[1] == 0 || right[1] == 0 || left[1] + right[1] != bigram.size) {
                continue; // one side was merged since
            }
            left[1] += right[1];
            right[1] = 0;
            left[3] = right[3];
            if (right[3] >= 0) {
                symbols.get(right[3])[2] = bigram.left;
            }
            tryAddBigram(bytes, symbols, left[2], bigram.left, queue, revMerge);
            tryAddBigram(bytes, symbols, bigram.left, left[3], queue, revMerge);
        }
        for (int i = 0; i != -1; i = symbols.get(i)[3]) {
            resegment(bytes, symbols, symbols.get(i), revMerge, out);
        }
    }

    private void tryAddBigram(byte[] bytes, List<int[]> symbols, int left, int right,
                              PriorityQueue<Bigram> queue, Map<String, int[]> revMerge) {
        if (left == -1 || right == -1) {
            return;
        }
        int[] l = symbols.get(left);
        int size = l[1] + symbols.get(right)[1];
        String text = new String(bytes, l[0], size, StandardCharsets.UTF_8);
        int token = table.id(text);
        if (token < 0) {
            return;
        }
        queue.add(new Bigram(left, right, table.scores[token], size));
        revMerge.put(text, new int[] {left, right});
    }

    private void resegment(byte[] bytes, List<int[]> symbols, int[] symbol, Map<String, int[]> revMerge, List<Integer> out) {
        String text = new String(bytes, symbol[0], symbol[1], StandardCharsets.UTF_8);
        int token = table.id(text);
        if (token >= 0) {
            out.add(token);
            return;
        }
        int[] merge = revMerge.get(text);
        if (merge == null) {
            for (int j = 0; j < symbol[1]; j++) {
                out.add(byteToken(bytes[symbol[0] + j] & 0xFF));
            }
            return;
        }
        resegment(bytes, symbols, symbols.get(merge[0]), revMerge, out);
        resegment(bytes, symbols, symbols.get(merge[1]), revMerge, out);
    }

    /**
     * The byte token {@code <0xXX>}, else a token spelling the single byte. llama.cpp throws when neither exists;
     * here the unknown token stands in when there is one.
     */
    private int byteToken(int b) {
        if (byteTokens[b] < 0) {
            throw new IllegalStateException("vocabulary has no token for byte 0x" + Integer.toHexString(b));
        }
        return byteTokens[b];
    }

    private int findByteToken(int b) {
        int id = table.id(String.format("<0x%02X>", b));
        if (id >= 0) {
            return id;
        }
        if (b < 0x80) {
            id = table.id(String.valueOf((char) b));
            if (id >= 0) {
                return id;
            }
        }
        return table.unk;
    }

    static int utf8Length(byte lead) {
        int high = (lead & 0xFF) >> 4;
        return high < 12 ? 1 : high < 14 ? 2 : high == 14 ? 3 : 4;
    }
}
