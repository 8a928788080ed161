package dev.sirocco.engine.tokenizer;

/**
 * Text to token ids and back, token for token as llama.cpp does it for the same GGUF vocabulary
 * (src/llama-vocab.cpp): SentencePiece ("llama"), byte-level BPE ("gpt2", "gemma4"), WordPiece ("bert") and
 * Unigram ("t5") vocabularies.
 */
public interface Tokenizer {

    /**
     * Builds the tokenizer the vocabulary's {@code model} and {@code pre} call for.
     *
     * @throws IllegalArgumentException for a model or pre-tokenizer this engine does not implement (the message
     *                                  names it and lists the supported ones) or inconsistent metadata
     */
    static Tokenizer create(Vocabulary vocabulary) {
        return new LlamaCppTokenizer(vocabulary);
    }

    /**
     * @param addSpecial   add BOS/EOS as the vocabulary's flags say (llama.cpp's add_special)
     * @param parseSpecial recognise control-token texts such as {@code <|im_start|>} in the text (user-defined
     *                     tokens are always recognised, as in llama.cpp)
     */
    int[] encode(String text, boolean addSpecial, boolean parseSpecial);

    /** The bytes the token contributes to text; control and unknown tokens contribute none. */
    default byte[] tokenBytes(int id) {
        return tokenBytes(id, false);
    }

    /** As {@link #tokenBytes(int)}; with {@code special}, control and unknown tokens give their text. */
    byte[] tokenBytes(int id, boolean special);

    /** llama.cpp's detokenize with remove_special and unparse_special off: control tokens print nothing. */
    default String decode(int[] ids) {
        return decode(ids, false, false);
    }

    /**
     * @param removeSpecial  drop a leading BOS and trailing EOS when the vocabulary adds them
     * @param unparseSpecial print control and unknown tokens as their text
     */
    String decode(int[] ids, boolean removeSpecial, boolean unparseSpecial);

    Vocabulary vocabulary();

    /** Special ids and flags after llama.cpp's defaults and text-based detection. */
    SpecialTokens specialTokens();

    /** Whether generation stops at this token: eos, eot, eom and the other end-of-generation tokens llama.cpp collects. */
    default boolean isEndOfGeneration(int id) {
        return specialTokens().endOfGeneration().contains(id);
    }
}
