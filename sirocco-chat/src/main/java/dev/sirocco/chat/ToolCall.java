package dev.sirocco.chat;

/**
 * One function call made by the assistant.
 *
 * @param id            the call id (may be null; some templates, e.g. Mistral's, require one)
 * @param name          the function name
 * @param argumentsJson the arguments as JSON text, normally an object
 */
public record ToolCall(String id, String name, String argumentsJson) {
}
