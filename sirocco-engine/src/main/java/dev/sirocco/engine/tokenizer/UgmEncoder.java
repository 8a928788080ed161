package dev.sirocco.engine.tokenizer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Unigram encoding of one text fragment (T5-style vocabularies; llama.cpp's llm_tokenizer_ugm_session): normalize
 * with the SentencePiece precompiled charsmap (a double-array trie of replacements), write spaces as ▁, then pick the
 * segmentation with the highest total score by Viterbi over UTF-8 bytes; a character no token covers becomes the
 * unknown token at the lowest score minus 10, and runs of unknowns collapse to one.
 */
final class UgmEncoder {
    private static final double UNKNOWN_PENALTY = 10.0;
    private final TokenTable table;
    /** Normal, user-defined and unused tokens by their bytes (as ISO-8859-1 strings, one char per byte). */
    private final Map<String, Integer> tokens = new HashMap<>();
    /** Every prefix of every user-defined token: llama.cpp takes the deepest trie path, token or not. */
    private final Set<String> userDefinedPrefixes = new HashSet<>();
    private int maxUserDefinedLength;
    private final int[] xcda;
    private final byte[] replacements;
    private final float unknownScore;

    UgmEncoder(TokenTable table, byte[] charsmap) {
        this.table = table;
        float min = Float.MAX_VALUE;
        for (int id = 0; id < table.size(); id++) {
            int attr = table.attrs[id];
            if ((attr & TokenAttr.NORMAL) != 0) {
                min = Math.min(min, table.scores[id]);
            }
            String bytes = latin1(table.texts[id]);
            if ((attr & (TokenAttr.NORMAL | TokenAttr.USER_DEFINED | TokenAttr.UNUSED)) != 0) {
                tokens.put(bytes, id);
            }
            if ((attr & TokenAttr.USER_DEFINED) != 0) {
                for (int k = 1; k <= bytes.length(); k++) {
                    userDefinedPrefixes.add(bytes.substring(0, k));
                }
                maxUserDefinedLength = Math.max(maxUserDefinedLength, bytes.length());
            }
        }
        unknownScore = (float) (min - UNKNOWN_PENALTY);
        if (charsmap != null && charsmap.length > 0) {
            ByteBuffer buf = ByteBuffer.wrap(charsmap).order(ByteOrder.LITTLE_ENDIAN);
            int blobSize = buf.getInt();
            if (blobSize < 0 || blobSize + 4 >= charsmap.length) {
                throw new IllegalArgumentException("tokenizer.ggml.precompiled_charsmap is truncated");
            }
            xcda = new int[blobSize / 4];
            buf.asIntBuffer().get(xcda);
            replacements = java.util.Arrays.copyOfRange(charsmap, 4 + blobSize, charsmap.length);
        } else {
            xcda = new int[0];
            replacements = new byte[0];
        }
    }

    private static String latin1(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    void encode(String text, List<Integer> out) {
        byte[] normalized = normalize(text.getBytes(StandardCharsets.UTF_8));
        int n = normalized.length;
        if (n == 0) {
            return;
        }
        String s = new String(normalized, StandardCharsets.ISO_8859_1);
        int[] bestToken = new int[n + 1];
        int[] bestStart = new int[n + 1];
        double[] bestScore = new double[n + 1];
        java.util.Arrays.fill(bestToken, table.unk);
        java.util.Arrays.fill(bestScore, -Double.MAX_VALUE);
        bestScore[0] = 0;
        for (int offset = 0; offset < n; ) {
            int charLen = Math.min(SpmEncoder.utf8Length(normalized[offset]), n - offset);
            boolean singleCharToken = false;
            double base = bestScore[offset];
            for (int end = offset + 1; end <= n && end - offset <= table.maxTokenLength; end++) {
                Integer id = tokens.get(s.substring(offset, end));
                if (id == null) {
                    continue;
                }
                if (end - offset == charLen) {
                    singleCharToken = true;
                }
                double score = base + ((table.attrs[id] & TokenAttr.USER_DEFINED) != 0 ? 0.0 : table.scores[id]);
                if (score > bestScore[end]) {
                    bestToken[end] = id;
                    bestStart[end] = offset;
                    bestScore[end] = score;
                }
            }
            if (!singleCharToken) {
                double score = base + unknownScore;
                int end = offset + charLen;
                if (score > bestScore[end]) {
                    bestToken[end] = table.unk;
                    bestStart[end] = offset;
                    bestScore[end] = score;
                }
            }
            offset += charLen;
        }
        List<Integer> reversed = new ArrayList<>();
        boolean prevUnknown = false;
        for (int pos = n; ; pos = bestStart[pos]) {
            boolean unknown = bestToken[pos] == table.unk;
            if (!(prevUnknown && unknown)) {
                reversed.add(bestToken[pos]);
            }
            if (bestStart[pos] == 0) {
                break;
            }
            prevUnknown = unknown;
        }
        for (int i = reversed.size() - 1; i >= 0; i--) {
            out.add(reversed.get(i));
        }
    }

    /** Charsmap replacements piece by piece, spaces as ▁ (merged and prefixed as the vocabulary says). */
    private byte[] normalize(byte[] input) {
        byte[] space = "\u2581".getBytes(StandardCharsets.UTF_8);
        boolean prepend = table.addSpacePrefix; // treat_whitespace_as_suffix is never set from GGUF
        boolean merge = table.removeExtraWhitespaces;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(input.length * 3);
        boolean prepended = false, inWord = false;
        int offset = 0;
        while (offset < input.length) {
            int[] consumed = new int[1];
            byte[] piece = normalizePrefix(input, offset, consumed);
            for (byte c : piece) {
                if (c != ' ') {
                    if (!inWord) {
                        inWord = true;
                        if ((prepend && !prepended) || merge) {
                            out.writeBytes(space);
                            prepended = true;
                        }
                    }
                    out.write(c);
                } else {
                    inWord = false;
                    if (!merge) {
                        out.writeBytes(space);
                    }
                }
            }
            offset += consumed[0];
        }
        return out.toByteArray();
    }

    private byte[] normalizePrefix(byte[] input, int offset, int[] consumed) {
        // user-defined tokens pass unchanged (llama.cpp: the deepest path in their trie)
        int user = 0;
        for (int k = Math.min(maxUserDefinedLength, input.length - offset); k > 0; k--) {
            if (userDefinedPrefixes.contains(new String(input, offset, k, StandardCharsets.ISO_8859_1))) {
                user = k;
                break;
            }
        }
        if (user > 0) {
            consumed[0] = user;
            return java.util.Arrays.copyOfRange(input, offset, offset + user);
        }
        int longest = 0, replacementAt = 0;
        if (xcda.length > 0) {
            int node = base(0);
            for (int p = offset; p < input.length; p++) {
                int c = input[p] & 0xFF;
                if (c == 0) {
                    break;
                }
                node ^= c;
                if (lcheck(node) != c) {
                    break;
                }
                boolean leaf = ((xcda(node) >>> 8) & 1) != 0;
                node ^= base(node);
                if (leaf) {
                    longest = p - offset + 1;
                    replacementAt = xcda(node) & 0x7FFFFFFF;
                }
            }
        }
        if (longest > 0) {
            int end = replacementAt;
            while (end < replacements.length && replacements[end] != 0) {
                end++;
            }
            if (replacementAt >= replacements.length || end == replacements.length) {
                throw new IllegalArgumentException("tokenizer.ggml.precompiled_charsmap has a bad replacement offset");
            }
            consumed[0] = longest;
            return java.util.Arrays.copyOfRange(replacements, replacementAt, end);
        }
        int len = validUtf8Length(input, offset);
        if (len == 0) {
            consumed[0] = 1;
            return new byte[] {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD};
        }
        consumed[0] = len;
        return java.util.Arrays.copyOfRange(input, offset, offset + len);
    }

    private int xcda(int index) {
        if (index < 0 || index >= xcda.length) {
            throw new IllegalArgumentException("index out of the precompiled charsmap's double array");
        }
        return xcda[index];
    }

    private int base(int index) {
        int packed = xcda(index);
        return (packed >>> 10) << ((packed & (1 << 9)) >>> 6);
    }

    private int lcheck(int index) {
        return xcda(index) & ((1 << 31) | 0xFF);
    }

    /** The length of the UTF-8 character at offset, 0 when it is malformed (llama.cpp's unicode_cpt_from_utf8 rules). */
    private static int validUtf8Length(byte[] b, int o) {
        int c = b[o] & 0xFF;
        if ((c & 0x80) == 0) {
            return 1;
        }
        if ((c & 0x40) == 0) {
            return 0;
        }
        int len = (c & 0x20) == 0 ? 2 : (c & 0x10) == 0 ? 3 : (c & 0x08) == 0 ? 4 : 0;
        if (len == 0 || o + len - 1 >= b.length) {
            return 0;
        }
        for (int k = 1; k < len; k++) {
            if ((b[o + k] & 0xC0) != 0x80) {
                return 0;
            }
        }
        return len;
    }
}
