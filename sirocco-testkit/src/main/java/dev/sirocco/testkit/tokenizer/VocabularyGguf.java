package dev.sirocco.testkit.tokenizer;

import dev.sirocco.engine.gguf.GgufWriter;
import dev.sirocco.engine.tokenizer.Vocabulary;
import dev.sirocco.testkit.RandomModels;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a vocabulary-only GGUF (no tensors; placeholder llama hyperparameters) that llama.cpp can load with
 * {@code vocab_only}, like its own models/ggml-vocab-*.gguf fixtures, so its tokenizer can be run on a vocabulary
 * converted here. The architecture written is always "llama", whatever {@code generalArchitecture} says.
 */
public final class VocabularyGguf {
    private VocabularyGguf() {
    }

    public static void write(Vocabulary v, Path file) throws IOException {
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", "llama")
                .putString("general.name", v.generalName() == null ? "sirocco-vocab" : v.generalName())
                .putU32("llama.block_count", 1)
                .putU32("llama.context_length", 2048)
                .putU32("llama.embedding_length", 64)
                .putU32("llama.feed_forward_length", 128)
                .putU32("llama.attention.head_count", 1)
                .putU32("llama.attention.head_count_kv", 1)
                .putU32("llama.rope.dimension_count", 64)
                .putF32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .putU32("llama.vocab_size", v.size());
        for (Map.Entry<String, Object> e : VocabularyMetadata.map(v).entrySet()) {
            RandomModels.put(w, e.getKey(), e.getValue());
        }
        w.write(file);
    }
}
