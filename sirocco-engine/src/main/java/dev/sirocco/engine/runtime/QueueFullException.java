package dev.sirocco.engine.runtime;

/** A {@link Scheduler}'s waiting queue is full: the caller should retry later (the API answers 429). */
public class QueueFullException extends RuntimeException {
    public QueueFullException(int capacity) {
        super("the queue of " + capacity + " waiting requests is full; retry later");
    }
}
