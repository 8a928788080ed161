/**
 * Tokenizers built from a GGUF file's vocabulary metadata, producing the same token ids as llama.cpp
 * (src/llama-vocab.cpp, src/unicode.cpp).
 *
 * <p>Entry points: {@link dev.sirocco.engine.tokenizer.Vocabulary} (the {@code tokenizer.ggml.*} keys as stored),
 * {@link dev.sirocco.engine.tokenizer.Tokenizer#create} and {@link dev.sirocco.engine.tokenizer.StreamingDecoder}.
 *
 * <p>Pipeline, as llama.cpp's {@code tokenize}: special tokens are cut out of the text first
 * ({@code SpecialTokenSplitter}; user-defined tokens always, control tokens when parsing special), then each text
 * fragment goes to the model's algorithm: {@code SpmEncoder} for "llama" (SentencePiece: spaces to ▁, a space prefix
 * at the start and after special tokens, score-ordered bigram merges, byte fallback), {@code BpeEncoder} for
 * "gpt2"/"gemma4" (pre-tokenizer chosen by {@code tokenizer.ggml.pre}, GPT-2 byte characters, rank-ordered merges),
 * {@code WpmEncoder} for "bert" (WordPiece: lowercase, strip accents, longest-prefix match) or {@code UgmEncoder}
 * for "t5" (Unigram: precompiled-charsmap normalization, Viterbi over token scores).
 * {@code TokenTable} applies llama.cpp's defaults and fix-ups at load; {@code Detokenizer} is token_to_piece and
 * detokenize.
 *
 * <p>Gemma 2/3 GGUFs are SentencePiece ("llama") vocabularies converted from tokenizer.model with
 * {@code add_space_prefix = false}. What differs from Llama 2 is all data: their whitespace-run and newline-run pieces
 * and HTML tags are user-defined tokens written with plain spaces, so the special-token pass splits runs of spaces
 * and newlines out (longest first) before SentencePiece runs. Gemma 4 uses model "gemma4": BPE over raw UTF-8 with
 * ▁ for spaces, split only at newlines, with {@code <0xXX>} byte fallback and forced BOS.
 *
 * <p>Where llama.cpp's result is unspecified, here it is fixed: when several texts could name the EOT (or FIM) token
 * the lowest id is taken (llama.cpp walks a hash map), and special tokens of equal byte length are tried lowest id
 * first (llama.cpp's std::sort is unstable). Not implemented: the RWKV and PLaMo-2 models, the
 * "whitespace" and "hybriddna" models, and the kimi-k2, afmoe, tiny_aya/cohere2moe and superbpe
 * pre-tokenizers; {@link dev.sirocco.engine.tokenizer.Tokenizer#create} rejects them by name.
 */
package dev.sirocco.engine.tokenizer;
