/**
 * The developer API: OpenAI- and Mistral-compatible HTTP endpoints over the engine (Helidon SE 4, one virtual
 * thread per request, handlers written blocking).
 *
 * <p>Request flow: {@link dev.sirocco.server.ApiServer} routes, authenticates the caller ({@code Authenticator}: the
 * {@code --api-key} key, stored keys, anonymous on loopback) and holds it to its key's per-minute limits
 * ({@code KeyQuotas}); {@code ChatRequest} /
 * {@code CompletionRequest} read a body into one internal shape (400s name the JSON path); a {@code GenerationTask}
 * submits each choice to its model's engine {@code Scheduler} (continuous batching: up to {@code --parallel}
 * sequences advance in one forward pass per step; a bounded queue beyond that, 429 when full), reporting events that
 * {@code CompletionEndpoints} turns into a JSON body or an SSE stream, charging the finished request's tokens to
 * its caller ({@code UsageMeter}, read back at {@code GET /v1/usage}); past {@code --request-timeout} the task stops
 * its choices and reports a 504. Chat tools: {@code ToolsRequest} reads {@code tools}/{@code tool_choice},
 * {@code ChatPrompt} the assistant prefix and {@code safe_prompt}, and {@code ChatChoiceOutput} reads answers into
 * content and tool calls with the model's {@link dev.sirocco.chat.ToolCallFormat}. Models load on demand through the
 * {@code ModelRegistry}. Durable state (keys, usage) is in {@link dev.sirocco.server.store}.
 */
package dev.sirocco.server;
