package dev.sirocco.server.store;

/**
 * What a conversation's message holds: the chat API's message fields, and for an answer the numbers shown beside it.
 *
 * @param role             {@code user}, {@code assistant} or {@code tool}
 * @param toolCalls        the assistant's tool calls as a JSON array's text, or null
 * @param toolCallId       the call a tool message answers, or null
 * @param model            the model that wrote an answer, or null
 * @param finishReason     why an answer ended ({@code stop}, {@code length}, {@code tool_calls}, {@code cancelled}), or null
 * @param promptTokens     prompt tokens of the request that produced an answer, or null
 * @param completionTokens tokens of an answer, or null
 * @param tokensPerSecond  generation speed seen by the client, or null
 */
public record ChatMessage(String role, String content, String toolCalls, String toolCallId, String model, String finishReason,
                          Long promptTokens, Long completionTokens, Double tokensPerSecond) {
}
