package dev.sirocco.engine.tokenizer;

import java.util.List;

/** The pre-tokenizer chains llama.cpp's llm_tokenizer_bpe picks per {@code tokenizer.ggml.pre} family. */
final class PreTokenizers {
    private PreTokenizers() {
    }

    static final PreTokenizer DEFAULT = new PreTokenizer(List.of(
            PreTokenizer.regex("[\\p{P}\\$\\+<=>\\^~\\|]+"),
            PreTokenizer.GPT2,
            PreTokenizer.regex("\\p{N}+"),
            PreTokenizer.regex("[0-9][0-9][0-9]")));

    static final PreTokenizer GPT2 = new PreTokenizer(List.of(PreTokenizer.GPT2));

    static final PreTokenizer LLAMA3 = new PreTokenizer(List.of(PreTokenizer.LLAMA3));

    static final PreTokenizer QWEN2 = new PreTokenizer(List.of(PreTokenizer.QWEN2));

    static final PreTokenizer QWEN35 = new PreTokenizer(List.of(PreTokenizer.QWEN35));

    static final PreTokenizer STARCODER = new PreTokenizer(List.of(PreTokenizer.regex("\\p{N}"), PreTokenizer.GPT2));

    static final PreTokenizer FALCON = new PreTokenizer(List.of(
            PreTokenizer.regex("[\\p{P}\\$\\+<=>\\^~\\|`]+"),
            PreTokenizer.GPT2,
            PreTokenizer.regex("[0-9][0-9][0-9]")));

    static final PreTokenizer TEKKEN = new PreTokenizer(List.of(PreTokenizer.regex(
            "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+"
                    + "|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*"
                    + "|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+")));

    private static final String CONTRACTIONS = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?";

    static final PreTokenizer GPT4O = new PreTokenizer(List.of(PreTokenizer.regex(
            "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+" + CONTRACTIONS
                    + "|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*" + CONTRACTIONS
                    + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+")));

    static final PreTokenizer NEWLINES = new PreTokenizer(List.of(PreTokenizer.NEWLINES));
}
