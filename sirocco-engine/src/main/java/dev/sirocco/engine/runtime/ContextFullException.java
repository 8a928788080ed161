package dev.sirocco.engine.runtime;

/** The sequence would grow past the context the session was created with. */
public class ContextFullException extends IllegalStateException {
    public ContextFullException(int position, int adding, int capacity) {
        super("context full: " + position + " tokens evaluated + " + adding + " new > context size " + capacity
                + " (use a larger context size, or a shorter prompt)");
    }
}
