package dev.sirocco.engine.tokenizer;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * WordPiece encoding of one text fragment (BERT vocabularies; llama.cpp's llm_tokenizer_wpm_session): lowercase,
 * drop accents, split at whitespace and around punctuation and CJK characters, then cover each word, written with
 * a leading ▁, by the longest vocabulary tokens from left to right; a word that cannot be covered becomes unknown.
 */
final class WpmEncoder {
    private final TokenTable table;

    WpmEncoder(TokenTable table) {
        this.table = table;
    }

    void encode(String text, List<Integer> out) {
        for (String word : words(text)) {
            String w = "\u2581" + word;
            int[] byteAt = new int[w.length() + 1]; // UTF-8 offset of each char index
            for (int c = 0; c < w.length(); c++) {
                char ch = w.charAt(c);
                byteAt[c + 1] = byteAt[c] + (ch < 0x80 ? 1 : ch < 0x800 ? 2 : Character.isSurrogate(ch) ? 2 : 3);
            }
            int before = out.size();
            int i = 0;
            while (i < w.length()) {
                // the longest token starting at i; none is longer than the longest token text
                int found = -1, foundEnd = -1;
                for (int j = w.length(); j > i; j = w.offsetByCodePoints(j, -1)) {
                    if (byteAt[j] - byteAt[i] > table.maxTokenLength) {
                        continue;
                    }
                    int id = table.id(w.substring(i, j));
                    if (id >= 0) {
                        found = id;
                        foundEnd = j;
                        break;
                    }
                }
                if (found < 0) { // a part with no token: the whole word is unknown
                    while (out.size() > before) {
                        out.removeLast();
                    }
                    break;
                }
                out.add(found);
                i = foundEnd;
            }
            if (out.size() == before) {
                out.add(table.unk);
            }
        }
    }

    /** llama.cpp's WPM preprocess. */
    List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int cp : text.codePoints().toArray()) {
            if (table.stripAccents) {
                cp = decomposedBase(cp);
            }
            if (UnicodeClass.isWhitespace(cp)) {
                flush(word, words);
                continue;
            }
            int type = Character.getType(cp);
            boolean control = type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
                    || type == Character.PRIVATE_USE;
            if (cp == 0 || cp == 0xFFFD || control) {
                continue;
            }
            if (table.stripAccents && UnicodeClass.isMark(cp)) {
                continue;
            }
            int c = table.lowercase ? Character.toLowerCase(cp) : cp;
            if (UnicodeClass.isPunctuation(cp) || (cp < 0x7F && UnicodeClass.isSymbol(cp)) || isChinese(cp)) {
                flush(word, words);
                words.add(new String(Character.toChars(c)));
            } else {
                word.appendCodePoint(c);
            }
        }
        flush(word, words);
        return words;
    }

    private static void flush(StringBuilder word, List<String> words) {
        if (!word.isEmpty()) {
            words.add(word.toString());
            word.setLength(0);
        }
    }

    /** The first code point of the canonical decomposition (llama.cpp's NFD table keeps only that one). */
    private static int decomposedBase(int cp) {
        if (cp < 0xC0) {
            return cp;
        }
        return Normalizer.normalize(new String(Character.toChars(cp)), Normalizer.Form.NFD).codePointAt(0);
    }

    private static boolean isChinese(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B920 && cp <= 0x2CEAF) // 0x2B820 in Unicode; HF's Rust code (and llama.cpp) say 0x2B920
                || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }
}
