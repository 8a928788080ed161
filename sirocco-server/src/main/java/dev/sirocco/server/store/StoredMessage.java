package dev.sirocco.server.store;

/**
 * A message in its conversation.
 *
 * @param position  0 for the first message, then 1, 2, ...
 * @param createdAt UTC epoch milliseconds
 */
public record StoredMessage(long position, long createdAt, ChatMessage message) {
}
