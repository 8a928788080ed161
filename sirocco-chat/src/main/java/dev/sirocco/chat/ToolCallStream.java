package dev.sirocco.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Reads one model answer into content and tool calls while it streams: text that may still become a call is held
 * back, a call is reported once complete, and a call that turns out malformed stays content. Reading the answer
 * whole ({@link #parse}) runs the same steps, so streamed and whole answers always agree.
 *
 * <p>Whitespace that only separates content from a call (the newline templates put before {@code <tool_call>}) is
 * not content; once the answer holds a call, whitespace at its end is dropped too.
 */
public final class ToolCallStream {
    private static final Pattern NINE_ALPHANUMERICS = Pattern.compile("[A-Za-z0-9]{9}");

    private final ToolCallFormat format;
    private final Supplier<String> ids;
    private final StringBuilder text = new StringBuilder();
    private final StringBuilder heldWhitespace = new StringBuilder();
    private int position;
    private boolean callPosition = true;
    private int calls;
    private boolean finished;

    /**
     * @param ids makes a call id where the model wrote none, or one that is not 9 alphanumeric characters (the shape
     *            both OpenAI's and Mistral's APIs accept, and Mistral's templates require)
     */
    public ToolCallStream(ToolCallFormat format, Supplier<String> ids) {
        this.format = format;
        this.ids = ids;
    }

    /** Reads a whole answer. */
    public static ParsedOutput parse(ToolCallFormat format, String answer, Supplier<String> ids) {
        ToolCallStream s = new ToolCallStream(format, ids);
        List<ToolCallEvent> events = new ArrayList<>(s.accept(answer));
        events.addAll(s.finish());
        StringBuilder content = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        for (ToolCallEvent e : events) {
            switch (e) {
                case ToolCallEvent.Content c -> content.append(c.text());
                case ToolCallEvent.Call c -> calls.add(c.call());
            }
        }
        return new ParsedOutput(calls.isEmpty() || !content.isEmpty() ? content.toString() : null, calls);
    }

    /** Adds the next piece of the answer; returns what it completes (possibly nothing). */
    public List<ToolCallEvent> accept(String piece) {
        if (finished) {
            throw new IllegalStateException("the answer is finished");
        }
        text.append(piece);
        return drain(false);
    }

    /** The answer is complete: returns everything still held back. */
    public List<ToolCallEvent> finish() {
        if (finished) {
            return List.of();
        }
        List<ToolCallEvent> out = drain(true);
        finished = true;
        if (calls == 0 && !heldWhitespace.isEmpty()) {
            out.add(new ToolCallEvent.Content(heldWhitespace.toString()));
        }
        heldWhitespace.setLength(0);
        return out;
    }

    /** How many calls have been reported. */
    public int calls() {
        return calls;
    }

    private List<ToolCallEvent> drain(boolean end) {
        List<ToolCallEvent> out = new ArrayList<>();
        String s = text.toString();
        while (position < s.length()) {
            ToolCallFormat.Step step = format.step(s, position, end, callPosition);
            switch (step) {
                case ToolCallFormat.Step.NeedMore ignored -> {
                    if (end) {
                        throw new IllegalStateException(format.name() + " asked for more text after the end");
                    }
                    return out;
                }
                case ToolCallFormat.Step.Text t -> {
                    checkProgress(t.end());
                    content(s.substring(position, t.end()), out);
                    position = t.end();
                    callPosition = false;
                }
                case ToolCallFormat.Step.Calls c -> {
                    checkProgress(c.end());
                    heldWhitespace.setLength(0);
                    for (ToolCall call : c.calls()) {
                        out.add(new ToolCallEvent.Call(calls++, withId(call)));
                    }
                    position = c.end();
                    callPosition = true;
                }
            }
        }
        return out;
    }

    private void checkProgress(int end) {
        if (end <= position) {
            throw new IllegalStateException(format.name() + " made no progress at " + position);
        }
    }

    /** Emits content, holding its trailing whitespace until it is known whether a call follows. */
    private void content(String piece, List<ToolCallEvent> out) {
        int keep = piece.length();
        while (keep > 0 && Character.isWhitespace(piece.charAt(keep - 1))) {
            keep--;
        }
        if (keep > 0) {
            out.add(new ToolCallEvent.Content(heldWhitespace + piece.substring(0, keep)));
            heldWhitespace.setLength(0);
        }
        heldWhitespace.append(piece, keep, piece.length());
    }

    private ToolCall withId(ToolCall call) {
        if (call.id() != null && NINE_ALPHANUMERICS.matcher(call.id()).matches()) {
            return call;
        }
        return new ToolCall(ids.get(), call.name(), call.argumentsJson());
    }
}
