package dev.sirocco.train.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The vocabulary of models Sirocco trains from scratch: byte-level BPE learned from the training text, plus ChatML's
 * control tokens and Hermes-style tool-call markers (as Qwen 2.5 has them), with a ChatML chat template that lists
 * tools, so the server's chat, tool-call parsing and tool_choice enforcement work on such a model unchanged.
 */
public final class ChatVocabulary {
    public static final String END_OF_TEXT = "<|endoftext|>";
    public static final String END_OF_TURN = "<|im_end|>";

    public static final List<TrainedVocabulary.Special> SPECIALS = List.of(
            new TrainedVocabulary.Special(END_OF_TEXT, true),
            new TrainedVocabulary.Special("<|im_start|>", true),
            new TrainedVocabulary.Special(END_OF_TURN, true),
            new TrainedVocabulary.Special("<tool_call>", false),
            new TrainedVocabulary.Special("</tool_call>", false));

    private ChatVocabulary() {
    }

    /** Learns a vocabulary of {@code size} tokens in all (specials included) from {@code texts}. */
    public static TrainedVocabulary train(Iterable<String> texts, int size) {
        if (size < 256 + SPECIALS.size()) {
            throw new IllegalArgumentException("--vocab must be at least " + (256 + SPECIALS.size()) + " (256 bytes and "
                    + SPECIALS.size() + " special tokens), got " + size);
        }
        return BpeTrainer.train(texts, size - SPECIALS.size()).withSpecials(SPECIALS);
    }

    /** Writes {@code vocabulary} as a tokenizer-only GGUF with the ChatML template. */
    public static void write(TrainedVocabulary vocabulary, Path out) throws IOException {
        vocabulary.writeGguf(out, END_OF_TURN, END_OF_TEXT, chatTemplate());
    }

    /** ChatML with tools listed in the system turn and calls as {@code <tool_call>{"name", "arguments"}</tool_call>}. */
    public static String chatTemplate() {
        try (InputStream in = ChatVocabulary.class.getResourceAsStream("chatml-tools.jinja")) {
            if (in == null) {
                throw new IllegalStateException("chatml-tools.jinja is missing from the sirocco-train jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
