package dev.sirocco.models.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.sirocco.engine.gguf.GgufWriter;
import dev.sirocco.models.ModelRequestException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the {@code tokenizer.ggml.*} metadata llama.cpp's convert_hf_to_gguf.py writes: SentencePiece vocabularies
 * as {@link SentencePieceVocab}; for a byte-level BPE {@code tokenizer.json} ({@code _set_vocab_gpt2}: get_vocab_base
 * plus SpecialVocab) tokens by id, padded with
 * {@code [PAD<id>]} (unused) up to config.json's vocab_size; token types (added special tokens are control tokens,
 * other added tokens user-defined); merges; bos/eos/unk/sep/pad ids; add_bos/add_eos when the files say; the
 * chat template. The pre-tokenizer name, which the script finds by hashing the Python tokenizer's output, is
 * recognised here from the pre-tokenizer's split regex.
 */
public final class HfTokenizerMetadata {
    static final int NORMAL = 1;
    static final int CONTROL = 3;
    static final int USER_DEFINED = 4;
    static final int UNUSED = 5;

    /** Split regexes of the pre-tokenizers llama.cpp names (src/llama-vocab.cpp), by llama.cpp's name. */
    private static final Map<String, String> PRE_BY_REGEX = Map.of(
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+", "llama-bpe",
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+", "qwen2");

    private HfTokenizerMetadata() {
    }

    /** The tokenizer files of a checkpoint directory; any may be null. */
    public record Sources(JsonNode tokenizerJson, byte[] sentencePieceModel, JsonNode tokenizerConfig) {}

    /**
     * Writes the vocabulary the way llama.cpp's converter picks it: a SentencePiece {@code tokenizer.model} when there
     * is one, else tokenizer.json — byte-level BPE as {@code gpt2}, BPE with byte fallback as SentencePiece.
     *
     * @param modelConfig    config.json: its {@code *_token_id} fill the special ids tokenizer_config.json leaves unset
     * @param vocabSize      config.json's vocab_size (the embedding rows), or -1 to use the tokenizer's own size
     * @param addSpacePrefix what the family writes as add_space_prefix for SentencePiece vocabularies, or null
     * @return the number of tokens written
     */
    public static int write(GgufWriter w, Sources sources, JsonNode modelConfig, int vocabSize, Boolean addSpacePrefix) {
        JsonNode tokenizer = sources.tokenizerJson();
        JsonNode model = tokenizer == null ? null : tokenizer.path("model");
        boolean byteLevel = model != null && "BPE".equals(model.path("type").asText()) && !model.path("byte_fallback").asBoolean(false);
        SentencePieceVocab spm;
        if (sources.sentencePieceModel() != null && !byteLevel) {
            spm = SentencePieceVocab.fromModel(SentencePieceModelFile.parse(sources.sentencePieceModel(), "tokenizer.model"),
                    vocabSize, sources.tokenizerConfig());
        } else if (tokenizer == null) {
            throw new ModelRequestException("the checkpoint has neither tokenizer.json nor tokenizer.model");
        } else if (!"BPE".equals(model.path("type").asText())) {
            throw new ModelRequestException("tokenizer.json has a " + model.path("type").asText("unknown")
                    + " model; only BPE tokenizers (byte-level as in Llama 3 and Qwen, or SentencePiece-style with byte"
                    + " fallback as in Llama 2, Mistral and Gemma) are converted, or a SentencePiece tokenizer.model");
        } else if (byteLevel) {
            return writeByteLevel(w, tokenizer, sources.tokenizerConfig(), modelConfig, vocabSize);
        } else {
            spm = SentencePieceVocab.fromTokenizerJson(tokenizer, vocabSize, sources.tokenizerConfig());
        }
        w.putString("tokenizer.ggml.model", "llama");
        w.putString("tokenizer.ggml.pre", "default");
        w.putStringArray("tokenizer.ggml.tokens", spm.tokens());
        w.putF32Array("tokenizer.ggml.scores", spm.scores());
        w.putI32Array("tokenizer.ggml.token_type", spm.types());
        specialTokens(w, tokenizer, sources.tokenizerConfig(), modelConfig, addedTokens(tokenizer), spm.size());
        if (addSpacePrefix != null) {
            w.putBool("tokenizer.ggml.add_space_prefix", addSpacePrefix);
        }
        chatTemplate(w, sources.tokenizerConfig());
        return spm.size();
    }

    private static Map<String, JsonNode> addedTokens(JsonNode tokenizer) {
        Map<String, JsonNode> added = new HashMap<>();
        if (tokenizer != null) {
            for (JsonNode a : tokenizer.path("added_tokens")) {
                added.putIfAbsent(a.path("content").asText(), a); // SpecialVocab takes the first match
            }
        }
        return added;
    }

    private static void chatTemplate(GgufWriter w, JsonNode tokenizerConfig) {
        if (tokenizerConfig != null && tokenizerConfig.path("chat_template").isTextual()) {
            w.putString("tokenizer.chat_template", tokenizerConfig.path("chat_template").asText());
        }
    }

    /** _set_vocab_gpt2: get_vocab_base plus SpecialVocab with merges. */
    private static int writeByteLevel(GgufWriter w, JsonNode tokenizer, JsonNode tokenizerConfig, JsonNode modelConfig, int vocabSize) {
        JsonNode model = tokenizer.path("model");
        Map<Integer, String> byId = new HashMap<>();
        model.path("vocab").properties().forEach(e -> byId.put(e.getValue().asInt(), e.getKey()));
        Map<String, JsonNode> added = new HashMap<>();
        for (JsonNode a : tokenizer.path("added_tokens")) {
            byId.put(a.path("id").asInt(), a.path("content").asText());
            added.put(a.path("content").asText(), a);
        }
        int own = byId.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        if (vocabSize >= 0 && vocabSize < own) {
            throw new ModelRequestException("config.json's vocab_size " + vocabSize + " is smaller than the tokenizer's " + own + " tokens");
        }
        int n = vocabSize >= 0 ? vocabSize : own;
        String[] tokens = new String[n];
        int[] types = new int[n];
        for (int i = 0; i < n; i++) {
            String t = byId.get(i);
            if (t == null) {
                tokens[i] = "[PAD" + i + "]";
                types[i] = UNUSED;
            } else if (added.containsKey(t)) {
                JsonNode a = added.get(t);
                if (a.path("special").asBoolean() || looksSpecial(t)) {
                    tokens[i] = t;
                    types[i] = CONTROL;
                } else {
                    tokens[i] = t;
                    types[i] = USER_DEFINED;
                }
            } else {
                tokens[i] = t;
                types[i] = NORMAL;
            }
        }
        w.putString("tokenizer.ggml.model", "gpt2");
        w.putString("tokenizer.ggml.pre", preTokenizer(tokenizer));
        w.putStringArray("tokenizer.ggml.tokens", tokens);
        w.putI32Array("tokenizer.ggml.token_type", types);
        w.putStringArray("tokenizer.ggml.merges", merges(model.path("merges")));
        specialTokens(w, tokenizer, tokenizerConfig, modelConfig, added, n);
        chatTemplate(w, tokenizerConfig);
        return n;
    }

    /** llama.cpp's name for the pre-tokenizer, from the Split regex of tokenizer.json's pre_tokenizer. */
    static String preTokenizer(JsonNode tokenizer) {
        JsonNode pre = tokenizer.path("pre_tokenizer");
        List<JsonNode> steps = new ArrayList<>();
        if (pre.has("pretokenizers")) {
            pre.path("pretokenizers").forEach(steps::add);
        } else {
            steps.add(pre);
        }
        for (JsonNode s : steps) {
            String regex = s.path("pattern").path("Regex").asText(null);
            if (regex != null && PRE_BY_REGEX.containsKey(regex)) {
                return PRE_BY_REGEX.get(regex);
            }
        }
        if (steps.size() == 1 && "ByteLevel".equals(steps.getFirst().path("type").asText())
                && steps.getFirst().path("use_regex").asBoolean(true)) {
            return "gpt-2";
        }
        throw new ModelRequestException("tokenizer.json's pre-tokenizer is not one Sirocco recognises (known: llama-bpe, qwen2,"
                + " gpt-2); converting it could tokenize text differently from the original model");
    }

    /** The Split regex of the pre-tokenizer llama.cpp calls {@code pre}, or null when it is not one of the known ones. */
    static String regexOf(String pre) {
        for (Map.Entry<String, String> e : PRE_BY_REGEX.entrySet()) {
            if (e.getValue().equals(pre)) {
                return e.getKey();
            }
        }
        return null;
    }

    private static String[] merges(JsonNode merges) {
        String[] out = new String[merges.size()];
        int i = 0;
        for (JsonNode m : merges) {
            if (m.isArray()) {
                // the list form may hold spaces inside a part; gguf-py writes them as U+0120 so "a b" stays splittable
                out[i++] = m.get(0).asText().replace(' ', '\u0120') + " " + m.get(1).asText().replace(' ', '\u0120');
            } else {
                out[i++] = m.asText();
            }
        }
        return out;
    }

    /** gguf-py's SpecialVocab: token ids from tokenizer_config's *_token texts; add_bos/add_eos from it or the post-processor. */
    private static void specialTokens(GgufWriter w, JsonNode tokenizer, JsonNode config, JsonNode modelConfig,
                                      Map<String, JsonNode> added, int n) {
        String bos = tokenText(config, "bos_token");
        String eos = tokenText(config, "eos_token");
        Boolean addBos = null;
        Boolean addEos = null;
        JsonNode post = tokenizer == null ? MissingNode.getInstance() : tokenizer.path("post_processor");
        List<JsonNode> processors = new ArrayList<>();
        if (post.has("processors")) {
            post.path("processors").forEach(processors::add);
        } else if (!post.isMissingNode() && !post.isNull()) {
            processors.add(post);
        }
        for (JsonNode p : processors) {
            JsonNode single = p.path("single");
            if ("TemplateProcessing".equals(p.path("type").asText()) && single.size() > 1) {
                String first = single.get(0).path("SpecialToken").path("id").asText(null);
                if (first != null) {
                    bos = bos == null ? first : bos;
                    addBos = first.equals(bos);
                }
                String last = single.get(single.size() - 1).path("SpecialToken").path("id").asText(null);
                if (last != null) {
                    eos = eos == null ? last : eos;
                    addEos = last.equals(eos);
                }
            }
        }
        if (config != null && config.path("add_bos_token").isBoolean()) {
            addBos = config.path("add_bos_token").asBoolean();
        }
        if (config != null && config.path("add_eos_token").isBoolean()) {
            addEos = config.path("add_eos_token").asBoolean();
        }
        // tokenizer_config.json's texts first, then config.json's ids for the types still unset (SpecialVocab._load)
        putId(w, "tokenizer.ggml.bos_token_id", added, bos, modelConfig, "bos_token_id", n);
        putId(w, "tokenizer.ggml.eos_token_id", added, eos, modelConfig, "eos_token_id", n);
        putId(w, "tokenizer.ggml.unknown_token_id", added, tokenText(config, "unk_token"), modelConfig, "unk_token_id", n);
        putId(w, "tokenizer.ggml.seperator_token_id", added, tokenText(config, "sep_token"), modelConfig, "sep_token_id", n);
        putId(w, "tokenizer.ggml.padding_token_id", added, tokenText(config, "pad_token"), modelConfig, "pad_token_id", n);
        if (addBos != null) {
            w.putBool("tokenizer.ggml.add_bos_token", addBos);
        }
        if (addEos != null) {
            w.putBool("tokenizer.ggml.add_eos_token", addEos);
        }
    }

    private static void putId(GgufWriter w, String key, Map<String, JsonNode> added, String content,
                              JsonNode modelConfig, String configKey, int n) {
        JsonNode a = content == null ? null : added.get(content);
        if (a != null) {
            w.putU32(key, a.path("id").asLong());
            return;
        }
        // only a plain integer counts (Llama 3.1 lists several eos ids; the script skips lists), and it must be in range
        JsonNode id = modelConfig == null ? null : modelConfig.path(configKey);
        if (id != null && id.isIntegralNumber() && id.asLong() >= 0 && id.asLong() < n) {
            w.putU32(key, id.asLong());
        }
    }

    private static String tokenText(JsonNode config, String key) {
        if (config == null) {
            return null;
        }
        JsonNode v = config.path(key);
        if (v.isTextual()) {
            return v.asText();
        }
        return v.path("content").isTextual() ? v.path("content").asText() : null;
    }

    /** gguf-py's does_token_look_special. */
    static boolean looksSpecial(String t) {
        return Set.of("<pad>", "<mask>", "<2mass>", "[@BOS@]").contains(t)
                || (t.startsWith("<|") && t.endsWith("|>"))
                || (t.startsWith("<\uff5c") && t.endsWith("\uff5c>"))
                || (t.startsWith("<unused") && t.endsWith(">"));
    }
}
