package dev.sirocco.train.tokenizer;

import dev.sirocco.engine.gguf.GgufWriter;
import dev.sirocco.engine.tokenizer.ByteLevelWords;
import dev.sirocco.engine.tokenizer.Vocabulary;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A byte-level BPE vocabulary learned by {@link BpeTrainer}: the normal tokens (256 bytes, then one per merge, in
 * merge order), the merges, and the special tokens appended after them. It writes itself as the {@code tokenizer.*}
 * keys of a GGUF file, which both this engine and llama.cpp read as a {@code gpt2}/{@code qwen2} vocabulary.
 */
public record TrainedVocabulary(List<String> normalTokens, List<String> merges, List<Special> specials) {

    /**
     * A token matched whole in text before BPE runs. Control tokens ({@code <|im_end|>}) structure a chat and are
     * not printed; user-defined ones ({@code <tool_call>}) are printed as their text.
     */
    public record Special(String text, boolean control) {
    }

    public TrainedVocabulary withSpecials(List<Special> more) {
        List<Special> all = new ArrayList<>(specials);
        all.addAll(more);
        return new TrainedVocabulary(normalTokens, merges, List.copyOf(all));
    }

    public int size() {
        return normalTokens.size() + specials.size();
    }

    /** The id of a special token's text. */
    public int idOf(String special) {
        for (int i = 0; i < specials.size(); i++) {
            if (specials.get(i).text().equals(special)) {
                return normalTokens.size() + i;
            }
        }
        throw new IllegalArgumentException("no special token " + special + " in this vocabulary");
    }

    /**
     * Writes the vocabulary's keys. Like Qwen's: no BOS is added, {@code eos} ends a turn, {@code pad} pads and
     * separates documents.
     */
    public void putInto(GgufWriter w, String eos, String pad, String chatTemplate) {
        String[] tokens = new String[size()];
        int[] types = new int[size()];
        for (int i = 0; i < normalTokens.size(); i++) {
            tokens[i] = normalTokens.get(i);
            types[i] = Vocabulary.TYPE_NORMAL;
        }
        for (int i = 0; i < specials.size(); i++) {
            tokens[normalTokens.size() + i] = specials.get(i).text();
            types[normalTokens.size() + i] = specials.get(i).control() ? Vocabulary.TYPE_CONTROL : Vocabulary.TYPE_USER_DEFINED;
        }
        w.putString("tokenizer.ggml.model", "gpt2");
        w.putString("tokenizer.ggml.pre", ByteLevelWords.PRE_TOKENIZER);
        w.putStringArray("tokenizer.ggml.tokens", tokens);
        w.putI32Array("tokenizer.ggml.token_type", types);
        w.putStringArray("tokenizer.ggml.merges", merges.toArray(String[]::new));
        w.putU32("tokenizer.ggml.eos_token_id", idOf(eos));
        w.putU32("tokenizer.ggml.bos_token_id", idOf(pad));
        w.putU32("tokenizer.ggml.padding_token_id", idOf(pad));
        w.putBool("tokenizer.ggml.add_bos_token", false);
        if (chatTemplate != null) {
            w.putString("tokenizer.chat_template", chatTemplate);
        }
    }

    /** A GGUF holding only this vocabulary (no tensors): what {@code sirocco train --tokenizer-from} starts from. */
    public void writeGguf(Path out, String eos, String pad, String chatTemplate) throws IOException {
        GgufWriter w = new GgufWriter();
        w.putString("general.architecture", "llama");
        w.putString("general.name", "sirocco tokenizer");
        putInto(w, eos, pad, chatTemplate);
        w.write(out);
    }
}
