package dev.sirocco.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns generated token ids into text as they arrive, never splitting a UTF-8 character: bytes of a character that
 * is still incomplete (a multi-byte character spread over byte-fallback tokens) are held until it completes.
 * Pieces are llama.cpp's token_to_piece, as its streaming output prints them (no clean-up of spaces, which needs
 * the whole text); invalid byte sequences come out as U+FFFD.
 */
public final class StreamingDecoder {
    private final Tokenizer tokenizer;
    private final boolean special;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    /** @param special print control tokens as their text */
    public StreamingDecoder(Tokenizer tokenizer, boolean special) {
        this.tokenizer = tokenizer;
        this.special = special;
    }

    public StreamingDecoder(Tokenizer tokenizer) {
        this(tokenizer, false);
    }

    /** Adds one token and returns the text it completes (possibly empty). */
    public String accept(int id) {
        pending.writeBytes(tokenizer.tokenBytes(id, special));
        byte[] bytes = pending.toByteArray();
        int complete = completePrefix(bytes);
        pending.reset();
        pending.write(bytes, complete, bytes.length - complete);
        return new String(bytes, 0, complete, StandardCharsets.UTF_8);
    }

    /** Returns whatever is held back (an unfinished character decodes as U+FFFD) and starts afresh. */
    public String flush() {
        String rest = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        return rest;
    }

    /**
     * The length of the longest prefix that does not end inside a character which could still be completed:
     * only a trailing lead byte followed by fewer continuation bytes than it announces is held back.
     */
    static int completePrefix(byte[] b) {
        int n = b.length;
        for (int back = 1; back <= 3 && back <= n; back++) {
            int c = b[n - back] & 0xFF;
            if ((c & 0xC0) == 0x80) {
                continue; // continuation byte: look further back for its lead
            }
            int need = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 && c < 0xF0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 1;
            return need > back ? n - back : n;
        }
        return n;
    }
}
