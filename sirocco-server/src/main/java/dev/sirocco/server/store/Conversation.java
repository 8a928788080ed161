package dev.sirocco.server.store;

/**
 * One conversation of the web app as stored, without its messages.
 *
 * @param id           {@code conv_} and 16 random alphanumerics
 * @param owner        the key id of the caller who created it; only that caller sees it
 * @param model        the model picked for it, or null for the server's default
 * @param systemPrompt its system prompt, or null for none
 * @param settings     sampling settings as a JSON object's text ({@code {"temperature": 0.7}})
 * @param createdAt    UTC epoch milliseconds
 * @param updatedAt    UTC epoch milliseconds of its last change (a message added, a rename)
 */
public record Conversation(String id, String owner, String title, String model, String systemPrompt, String settings,
                           long createdAt, long updatedAt) {
}
