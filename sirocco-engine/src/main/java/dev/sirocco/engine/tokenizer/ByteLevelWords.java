package dev.sirocco.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * The words a byte-level BPE vocabulary with the Qwen 2 pre-tokenizer merges within, each written in GPT-2's
 * byte-to-character alphabet: what a vocabulary trainer counts, split exactly as this engine will split text later.
 */
public final class ByteLevelWords {
    /** The {@code tokenizer.ggml.pre} value that makes the engine (and llama.cpp) split text this way. */
    public static final String PRE_TOKENIZER = "qwen2";

    private ByteLevelWords() {
    }

    /** The pre-tokenized words of {@code text}, in order, as byte-level strings (a space is 'Ġ'). */
    public static List<String> of(String text) {
        List<String> words = PreTokenizers.QWEN2.split(text);
        List<String> out = new ArrayList<>(words.size());
        for (String w : words) {
            out.add(ByteLevel.encode(w));
        }
        return out;
    }

    /** The byte-level character that stands for byte {@code b} (0-255). */
    public static char charOf(int b) {
        return ByteLevel.charOf(b);
    }
}
