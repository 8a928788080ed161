package dev.sirocco.models.convert;

import dev.sirocco.models.ModelRequestException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A SentencePiece {@code tokenizer.model}: the pieces of its ModelProto (sentencepiece_model.proto: field 1,
 * repeated SentencePiece {piece = 1, score = 2, type = 3}). Everything else in the file (trainer and normalizer
 * specs) is skipped, as llama.cpp's converter only reads the pieces. Malformed input is refused with the offset.
 */
public final class SentencePieceModelFile {
    /** SentencePiece's piece types; the numbers are also GGUF's token types. */
    public static final int NORMAL = 1;
    public static final int UNKNOWN = 2;
    public static final int CONTROL = 3;
    public static final int USER_DEFINED = 4;
    public static final int UNUSED = 5;
    public static final int BYTE = 6;

    public record Piece(String text, float score, int type) {}

    private SentencePieceModelFile() {
    }

    public static List<Piece> parse(byte[] bytes, String what) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<Piece> pieces = new ArrayList<>();
        try {
            while (b.hasRemaining()) {
                long key = varint(b);
                int field = (int) (key >>> 3);
                int wire = (int) (key & 7);
                if (field == 1 && wire == 2) {
                    int len = length(b);
                    pieces.add(piece(b.slice(b.position(), len).order(ByteOrder.LITTLE_ENDIAN)));
                    b.position(b.position() + len);
                } else {
                    skip(b, wire);
                }
            }
        } catch (RuntimeException e) {
            throw new ModelRequestException(what + " is not a SentencePiece model (at byte " + b.position() + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        }
        if (pieces.isEmpty()) {
            throw new ModelRequestException(what + " holds no SentencePiece pieces");
        }
        return pieces;
    }

    private static Piece piece(ByteBuffer b) {
        String text = null;
        float score = 0f;
        int type = NORMAL;
        while (b.hasRemaining()) {
            long key = varint(b);
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (field == 1 && wire == 2) {
                int len = length(b);
                byte[] s = new byte[len];
                b.get(s);
                text = utf8(s);
            } else if (field == 2 && wire == 5) {
                score = b.getFloat();
            } else if (field == 3 && wire == 0) {
                type = (int) varint(b);
                if (type < NORMAL || type > BYTE) {
                    throw new IllegalArgumentException("piece type " + type);
                }
            } else {
                skip(b, wire);
            }
        }
        if (text == null) {
            throw new IllegalArgumentException("a piece without text");
        }
        return new Piece(text, score, type);
    }

    private static String utf8(byte[] s) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(s)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("a piece that is not UTF-8");
        }
    }

    private static void skip(ByteBuffer b, int wire) {
        switch (wire) {
            case 0 -> varint(b);
            case 1 -> b.position(b.position() + 8);
            case 2 -> {
                int len = length(b);
                b.position(b.position() + len);
            }
            case 5 -> b.position(b.position() + 4);
            default -> throw new IllegalArgumentException("wire type " + wire);
        }
    }

    private static int length(ByteBuffer b) {
        long len = varint(b);
        if (len < 0 || len > b.remaining()) {
            throw new IllegalArgumentException("length " + len + " past the end");
        }
        return (int) len;
    }

    private static long varint(ByteBuffer b) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte x = b.get();
            v |= (long) (x & 0x7f) << shift;
            if (x >= 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("varint longer than 10 bytes");
    }
}
