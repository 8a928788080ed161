/**
 * Chat templates and chat-format knowledge that sit between the engine and the API.
 *
 * <p>{@link dev.sirocco.chat.ChatTemplate} renders a model's Jinja chat template (GGUF
 * {@code tokenizer.chat_template}) as Hugging Face transformers does, on Jinjava with Jinja2's whitespace rules,
 * operator precedence, for-loops and Python value semantics added; {@code ChatTemplate.fallbackFor} supplies a
 * template for files without one. Tests compare renderings of real templates with @huggingface/jinja and with
 * llama.cpp's chat-template test cases.
 *
 * <p>{@link dev.sirocco.chat.ToolCallFormat} is how a model family writes tool calls (Mistral, Llama 3.1, Hermes/Qwen JSON, Qwen3-Coder/Qwen 3.5 XML),
 * detected from the template; {@link dev.sirocco.chat.ToolCallStream} reads an answer into content and
 * {@link dev.sirocco.chat.ToolCall}s, whole or as it streams.
 */
package dev.sirocco.chat;
