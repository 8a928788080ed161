package dev.sirocco.server.store;

/**
 * One line of a job's log.
 *
 * @param type {@code message} or {@code metrics} (then {@code data} holds the numbers as JSON)
 */
public record JobEvent(String id, String jobId, long seq, String level, String type, String message, String data, long createdMs) {
}
