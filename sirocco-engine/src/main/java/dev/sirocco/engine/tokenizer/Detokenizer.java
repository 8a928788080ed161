package dev.sirocco.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Token ids back to bytes, as llama.cpp's token_to_piece and detokenize: byte tokens give their byte, SentencePiece
 * pieces turn ▁ into spaces, byte-level BPE pieces undo the GPT-2 character table, control and unknown tokens print
 * only when asked, and BPE vocabularies with clean_spaces drop the space before {@code ? ! . ,} and some contractions.
 */
final class Detokenizer {
    private static final int SPECIAL = TokenAttr.UNKNOWN | TokenAttr.CONTROL;
    private final TokenTable table;
    private final byte[][] pieces; // with special = true, as llama.cpp's cache

    Detokenizer(TokenTable table) {
        this.table = table;
        pieces = new byte[table.size()][];
        for (int i = 0; i < pieces.length; i++) {
            pieces[i] = computePiece(i);
        }
    }

    byte[] piece(int id, boolean special) {
        if (id < 0 || id >= pieces.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + pieces.length);
        }
        if (!special && table.has(id, SPECIAL)) {
            return new byte[0];
        }
        return pieces[id].clone();
    }

    private byte[] computePiece(int id) {
        String text = table.texts[id];
        int attr = table.attrs[id];
        if ((attr & (SPECIAL | TokenAttr.USER_DEFINED)) != 0) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if ((attr & TokenAttr.NORMAL) != 0) {
            if (table.kind != TokenTable.Kind.BPE || table.escapeWhitespaces) {
                return text.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
            }
            return decodeByteLevel(text);
        }
        if ((attr & TokenAttr.BYTE) != 0) {
            return new byte[] {(byte) Integer.parseInt(text.substring(3, 5), 16)};
        }
        return new byte[0];
    }

    /** llama_decode_text: characters outside the GPT-2 table are written as "[UNK_BYTE_0x..text]". */
    private static byte[] decodeByteLevel(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        text.codePoints().forEach(cp -> {
            int b = ByteLevel.byteOf(cp);
            if (b >= 0) {
                out.write(b);
            } else {
                StringBuilder sb = new StringBuilder("[UNK_BYTE_0x");
                for (byte u : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                    sb.append(String.format("%02x", u & 0xFF));
                }
                sb.append(text).append(']');
                out.writeBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
            }
        });
        return out.toByteArray();
    }

    byte[] detokenize(int[] ids, boolean removeSpecial, boolean unparseSpecial) {
        int from = 0, to = ids.length;
        boolean removeSpace = table.addSpacePrefix;
        if (removeSpecial && table.addBos && to > 0 && ids[0] == table.bos) {
            removeSpace = false;
            from++;
        }
        if (removeSpecial && table.addEos && to > from && ids[to - 1] == table.eos) {
            to--;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = from; i < to; i++) {
            byte[] p = piece(ids[i], unparseSpecial);
            int skip = removeSpace && p.length > 0 && p[0] == ' ' ? 1 : 0;
            out.write(p, skip, p.length - skip);
            removeSpace = false;
        }
        byte[] text = out.toByteArray();
        int total = text.length;
        if (table.cleanSpaces) {
            total = cleanSpaces(text, total);
        }
        return java.util.Arrays.copyOf(text, total);
    }

    /** The three in-place passes of llama.cpp's detokenize for clean_up_tokenization_spaces, index for index. */
    private static int cleanSpaces(byte[] text, int total) {
        int total1 = total;
        total = total > 0 ? 1 : 0;
        for (int i = 1; i < total1; i++) {
            byte x = text[i];
            if (text[i - 1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',')) {
                total--;
            }
            text[total++] = x;
        }
        int total2 = total;
        total = total > 0 ? 1 : 0;
        for (int i = 1; i < total2; i++) {
            byte x = text[i];
            if (x == '\'' && i + 1 < total2 && text[i - 1] == ' ' && text[i + 1] == ' ') {
                total--;
                text[++i] = 0;
            }
            text[total++] = x;
        }
        int total3 = total;
        total = total > 0 ? 1 : 0;
        for (int i = 1; i < total3; i++) {
            byte x = text[i];
            if (text[i - 1] == ' ' && x == '\'' && i + 1 < total3) {
                byte x1 = text[i + 1];
                if (x1 == 's' || x1 == 'm') {
                    total--;
                } else if (x1 != 't' && x1 != 'd' && i + 2 < total3) {
                    byte x2 = text[i + 2];
                    if ((x1 == 'r' && x2 == 'e') || (x1 == 'v' && x2 == 'e')) {
                        total--;
                    }
                }
            }
            text[total++] = x;
        }
        return total;
    }
}
