/**
 * Test support for differential testing against llama.cpp: random-weight model files and the llama.cpp oracle.
 *
 * <h2>Writing models</h2>
 * {@link dev.sirocco.testkit.ModelSpec} describes a model (presets {@code tinyLlama}, {@code tinyLlama3},
 * {@code tinyMistral}, {@code tinyMixtral}, {@code tinyQwen2}, {@code tinyQwen3}, {@code tinyGemma3}; vary them with
 * {@code toBuilder()}), {@link dev.sirocco.testkit.RandomModels#write} writes it as GGUF with seeded weights in any
 * type (2-D/3-D weights; 1-D tensors stay F32) and {@link dev.sirocco.testkit.RandomModels#writeAsF32} writes the
 * same weights, already rounded to their type, as F32. {@link dev.sirocco.testkit.ModelLayout} says what the file
 * holds (metadata, tensor names and shapes, every tensor's values) so an engine test can build references without
 * reading the file back. {@link dev.sirocco.testkit.TokenizerMetadata} is the vocabulary written into the file: a
 * synthetic SentencePiece one by default, a synthetic byte-level BPE one ({@code syntheticBpe}), or any
 * {@code tokenizer.ggml.*} map (real vocabularies).
 * {@link dev.sirocco.testkit.RandomLora} writes LoRA adapters in llama.cpp's format, and their merged twin.
 *
 * <pre>{@code
 * Path file = RandomModels.write(ModelSpec.tinyQwen3().toBuilder().weightType(GgmlType.Q8_0).build(), dir.resolve("m.gguf"));
 * LlamaCppOracle oracle = LlamaCppOracle.shared();
 * int[] prompt = oracle.tokenize(file, "the people of the world", true, false);
 * float[][] logits = oracle.logits(file, prompt, true);     // [prompt.length][nVocab]
 * GreedyResult greedy = oracle.greedy(file, prompt, 16);    // tokens + top-2 logit gap per step
 * }</pre>
 *
 * <h2>The oracle</h2>
 * {@link dev.sirocco.testkit.LlamaCppOracle} drives llama.cpp (npm node-llama-cpp 3.22.1, prebuilt CPU build, the
 * same llama.cpp commit as the source the package ships) through one node process. It evaluates with an F32 K/V
 * cache, flash attention off and 2 threads unless {@link dev.sirocco.testkit.OracleSettings} say otherwise. It never
 * skips: without Node.js or the npm packages it fails with a message saying to run {@code bin/test}. Full logits
 * pass through node-llama-cpp as JavaScript maps: about 0.1 s per position with a 128k-token vocabulary (nothing
 * with the ~800-token synthetic one), so ask for all positions only on small vocabularies.
 *
 * <h2>What llama.cpp does that a comparison must allow for</h2>
 * <ul>
 *   <li>It rounds activations before each matmul to the weights' companion format (F16, BF16, Q8_0, Q8_1, Q8_K):
 *       on these models that alone moves logits by 2e-4 (F16), 5e-3 (BF16) and 1.7-2.7e-2 (8-bit blocks) of their
 *       spread (RMS), see {@code RandomModelTypesInLlamaCppTest}.</li>
 *   <li>The same sequence evaluated at once or token by token differs by up to ~1.3e-3 (summation order).</li>
 *   <li>Gemma 3: without {@code gemma3.rope.freq_base_swa} llama.cpp uses 10000 for local layers; the sliding-window
 *       pattern defaults to 5 local layers then 1 global ({@code il % 6 < 5} is local); a key more than
 *       {@code sliding_window - 1} positions back is masked.</li>
 *   <li>Token texts {@code <|start|>}, {@code <|channel|>}, {@code <|message|>}, {@code <|constrain|>} are made
 *       user-defined (always parsed as special) and {@code <|end|>} and similar names are made end-of-generation,
 *       by name, whatever the file's token types say.</li>
 * </ul>
 */
package dev.sirocco.testkit;
