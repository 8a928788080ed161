package dev.sirocco.engine.gguf;

import java.io.IOException;

/**
 * A GGUF file that is truncated, corrupted or not GGUF at all, with the byte offset and the field
 * where reading stopped, e.g. {@code at byte 1234, tensor_infos[3].n_dims: expected 1..4, got 77}.
 */
public class GgufFormatException extends IOException {

    private final long offset;
    private final String field;

    public GgufFormatException(long offset, String field, String message) {
        super("at byte " + offset + ", " + field + ": " + message);
        this.offset = offset;
        this.field = field;
    }

    private GgufFormatException(String fullMessage, long offset, String field, Throwable cause) {
        super(fullMessage, cause);
        this.offset = offset;
        this.field = field;
    }

    /** The same error with the file's name in front, so a user with many models sees which one is broken. */
    GgufFormatException inFile(String fileName) {
        var e = new GgufFormatException(fileName + ": " + getMessage(), offset, field, this);
        e.setStackTrace(getStackTrace());
        return e;
    }

    /** Absolute byte offset in the file of the field that could not be read or was invalid. */
    public long offset() {
        return offset;
    }

    /** The field, named like {@code kv[2].value} or {@code tensor_infos[3].n_dims}. */
    public String field() {
        return field;
    }
}
