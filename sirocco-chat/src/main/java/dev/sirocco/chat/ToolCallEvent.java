package dev.sirocco.chat;

/** What a {@link ToolCallStream} reports as model output arrives: more content, or one complete call. */
public sealed interface ToolCallEvent {
    /** Text for the message's content. */
    record Content(String text) implements ToolCallEvent {
    }

    /** The call numbered {@code index} (from 0, in order of appearance) is complete; its id is set. */
    record Call(int index, ToolCall call) implements ToolCallEvent {
    }
}
