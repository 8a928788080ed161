package dev.sirocco.testkit;

/**
 * What llama.cpp read from a GGUF file's vocabulary: its size, special ids (-1 when absent) and
 * whether tokenizing with special tokens adds BOS/EOS.
 *
 * @param vocabularyType node-llama-cpp's name for llama.cpp's vocabulary type ("spm", "bpe", ...)
 */
public record VocabInfo(int nVocab, int bos, int eos, boolean addBos, boolean addEos, String vocabularyType) {
}
