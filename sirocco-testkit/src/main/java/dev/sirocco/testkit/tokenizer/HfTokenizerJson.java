package dev.sirocco.testkit.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sirocco.engine.tokenizer.Vocabulary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds the {@link Vocabulary} llama.cpp's convert_hf_to_gguf.py would write for a Hugging Face tokenizer.json
 * (plus tokenizer_config.json): byte-level BPE vocabularies as {@code gpt2} (get_vocab_base + SpecialVocab), and
 * BPE-with-byte-fallback vocabularies (SentencePiece models exported to tokenizer.json: Llama 2, Mistral v1, Gemma)
 * as {@code llama}, the way _create_vocab_sentencepiece reads the original tokenizer.model.
 *
 * <p>Two things the script gets from files we do not have are supplied or reconstructed: the pre-tokenizer name
 * (the script hashes the output of the Python tokenizer; the caller names it) and SentencePiece scores. For the
 * latter, a SentencePiece BPE model's piece scores fall in the order its pieces are merged, and HF's export lists
 * the merges in that order, so a piece gets minus the rank of the first merge that forms it; multi-character
 * pieces no merge forms get -1e9, and so do runs of ▁, which SentencePiece models such as Llama 2's score -1e9
 * whatever their merge rank (with these two rules the score order of all 29,612 multi-character pieces of Llama 2
 * agrees with llama.cpp's models/ggml-vocab-llama-spm.gguf).
 * The vocabulary size is the highest id plus one (the script pads to config.json's vocab_size with unused tokens).
 */
public final class HfTokenizerJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BYTE_TOKEN = Pattern.compile("<0x[0-9A-Fa-f]{2}>");

    private HfTokenizerJson() {
    }

    public static Vocabulary convert(Path tokenizerJson, Path tokenizerConfigJson, String pre, Boolean addSpacePrefix)
            throws IOException {
        JsonNode tokenizer = JSON.readTree(Files.newInputStream(tokenizerJson));
        JsonNode config = tokenizerConfigJson == null ? null : JSON.readTree(Files.newInputStream(tokenizerConfigJson));
        return convert(tokenizer, config, pre, addSpacePrefix);
    }

    /**
     * @param pre            tokenizer.ggml.pre for byte-level BPE (e.g. "llama-bpe", "qwen2"); ignored for SentencePiece
     * @param addSpacePrefix what the model's converter writes as add_space_prefix ({@code false} for Gemma), or null
     */
    public static Vocabulary convert(JsonNode tokenizer, JsonNode config, String pre, Boolean addSpacePrefix) {
        JsonNode model = tokenizer.path("model");
        if (!"BPE".equals(model.path("type").asText())) {
            throw new IllegalArgumentException("only BPE tokenizer.json models are converted, not " + model.path("type"));
        }
        boolean sentencePiece = model.path("byte_fallback").asBoolean(false);
        Map<Integer, String> byId = new HashMap<>();
        model.path("vocab").properties().forEach(e -> byId.put(e.getValue().asInt(), e.getKey()));
        Map<String, JsonNode> added = new HashMap<>();
        for (JsonNode a : tokenizer.path("added_tokens")) {
            byId.put(a.path("id").asInt(), a.path("content").asText());
            added.put(a.path("content").asText(), a);
        }
        int n = byId.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        List<String[]> merges = mergePairs(model.path("merges"));

        Vocabulary.Builder b;
        if (sentencePiece) {
            b = sentencePieceVocabulary(model, byId, added, merges, config, n);
        } else {
            b = byteLevelVocabulary(byId, added, merges, n, pre);
        }
        specialTokens(b, tokenizer, config, byId, added);
        if (addSpacePrefix != null) {
            b.addSpacePrefix(addSpacePrefix);
        }
        return b.build();
    }

    private static Vocabulary.Builder byteLevelVocabulary(Map<Integer, String> byId, Map<String, JsonNode> added,
                                                          List<String[]> merges, int n, String pre) {
        String[] tokens = new String[n];
        int[] types = new int[n];
        for (int i = 0; i < n; i++) {
            String t = byId.get(i);
            if (t == null) {
                tokens[i] = "[PAD" + i + "]";
                types[i] = Vocabulary.TYPE_UNUSED;
            } else if (added.containsKey(t)) {
                if (added.get(t).path("special").asBoolean() || looksSpecial(t)) {
                    tokens[i] = t;
                    types[i] = Vocabulary.TYPE_CONTROL;
                } else {
                    tokens[i] = t.replace('\u2581', ' '); // pre-normalized user-defined spaces
                    types[i] = Vocabulary.TYPE_USER_DEFINED;
                }
            } else {
                tokens[i] = t;
                types[i] = Vocabulary.TYPE_NORMAL;
            }
        }
        String[] joined = new String[merges.size()];
        for (int r = 0; r < joined.length; r++) {
            // spaces inside a merge part are written as U+0120, as gguf-py does for the list format
            joined[r] = merges.get(r)[0].replace(' ', '\u0120') + " " + merges.get(r)[1].replace(' ', '\u0120');
        }
        return Vocabulary.builder("gpt2", pre, tokens).tokenTypes(types).merges(joined);
    }

    private static Vocabulary.Builder sentencePieceVocabulary(JsonNode model, Map<Integer, String> byId,
                                                              Map<String, JsonNode> added, List<String[]> merges,
                                                              JsonNode config, int n) {
        Map<String, Integer> firstMerge = new HashMap<>();
        for (int r = 0; r < merges.size(); r++) {
            firstMerge.putIfAbsent(merges.get(r)[0] + merges.get(r)[1], r);
        }
        String unk = model.path("unk_token").asText(null);
        String[] tokens = new String[n];
        float[] scores = new float[n];
        int[] types = new int[n];
        for (int i = 0; i < n; i++) {
            String t = byId.get(i);
            if (t == null) {
                tokens[i] = "[PAD" + i + "]";
                scores[i] = -10000f;
                types[i] = Vocabulary.TYPE_UNUSED;
                continue;
            }
            tokens[i] = t;
            Integer rank = firstMerge.get(t);
            boolean multi = t.codePointCount(0, t.length()) > 1;
            if (multi && t.chars().allMatch(c -> c == '\u2581')) {
                scores[i] = -1e9f; // whitespace-run pieces: -1e9 in Llama 2's SentencePiece model
            } else {
                scores[i] = rank != null ? -rank - 1 : multi ? -1e9f : 0f;
            }
            if (t.equals(unk)) {
                types[i] = Vocabulary.TYPE_UNKNOWN;
            } else if (added.containsKey(t) && added.get(t).path("special").asBoolean()) {
                types[i] = Vocabulary.TYPE_CONTROL; // SentencePiece's control pieces (<s>, </s>, <pad>, ...)
            } else if (BYTE_TOKEN.matcher(t).matches()) {
                types[i] = Vocabulary.TYPE_BYTE;
            } else {
                types[i] = Vocabulary.TYPE_NORMAL;
            }
        }
        // tokenizer_config.json's added_tokens_decoder overrides, as in _create_vocab_sentencepiece
        if (config != null) {
            config.path("added_tokens_decoder").properties().forEach(e -> {
                int id = Integer.parseInt(e.getKey());
                if (id >= n) {
                    return;
                }
                String content = e.getValue().path("content").asText();
                if (e.getValue().path("special").asBoolean() || looksSpecial(content)) {
                    types[id] = Vocabulary.TYPE_CONTROL;
                } else {
                    content = content.replace('\u2581', ' ');
                    types[id] = Vocabulary.TYPE_USER_DEFINED;
                }
                scores[id] = -1000f;
                tokens[id] = content;
            });
        }
        return Vocabulary.builder("llama", "default", tokens).scores(scores).tokenTypes(types);
    }

    /** SpecialVocab: ids of the config's bos/eos/unk/sep/pad/mask token texts, add_bos/add_eos from the post-processor and config. */
    private static void specialTokens(Vocabulary.Builder b, JsonNode tokenizer, JsonNode config,
                                      Map<Integer, String> byId, Map<String, JsonNode> added) {
        String bos = tokenText(config, "bos_token");
        String eos = tokenText(config, "eos_token");
        String cls = tokenText(config, "cls_token");
        String sep = tokenText(config, "sep_token");
        if (bos == null && cls != null) {
            bos = cls;
        }
        if (eos == null && sep != null) {
            eos = sep;
        }
        // crude TemplateProcessing parse, as gguf-py: a leading BOS and a trailing EOS in the single template
        JsonNode post = tokenizer.path("post_processor");
        List<JsonNode> processors = new ArrayList<>();
        if (post.has("processors")) {
            post.path("processors").forEach(processors::add);
        } else if (!post.isMissingNode() && !post.isNull()) {
            processors.add(post);
        }
        for (JsonNode p : processors) {
            if (!"TemplateProcessing".equals(p.path("type").asText())) {
                continue;
            }
            JsonNode single = p.path("single");
            if (single.size() > 1) {
                String first = single.get(0).path("SpecialToken").path("id").asText(null);
                if (first != null) {
                    if (config == null) {
                        bos = first;
                    }
                    b.addBos(first.equals(bos) || first.equals(cls));
                }
                String last = single.get(single.size() - 1).path("SpecialToken").path("id").asText(null);
                if (last != null) {
                    if (config == null) {
                        eos = last;
                    }
                    b.addEos(last.equals(eos));
                }
            }
        }
        if (config != null) {
            if (config.path("add_bos_token").isBoolean()) {
                b.addBos(config.path("add_bos_token").asBoolean());
            }
            if (config.path("add_eos_token").isBoolean()) {
                b.addEos(config.path("add_eos_token").asBoolean());
            }
        }
        b.bos(addedId(added, bos)).eos(addedId(added, eos)).unk(addedId(added, tokenText(config, "unk_token")))
                .sep(addedId(added, sep)).pad(addedId(added, tokenText(config, "pad_token")))
                .mask(addedId(added, tokenText(config, "mask_token")));
    }

    private static int addedId(Map<String, JsonNode> added, String content) {
        JsonNode a = content == null ? null : added.get(content);
        return a == null ? -1 : a.path("id").asInt();
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

    /** ModelBase.does_token_look_special. */
    static boolean looksSpecial(String t) {
        return Set.of("<pad>", "<mask>", "<2mass>", "[@BOS@]").contains(t)
                || (t.startsWith("<|") && t.endsWith("|>"))
                || (t.startsWith("<｜") && t.endsWith("｜>"))
                || (t.startsWith("<unused") && t.endsWith(">"));
    }

    private static List<String[]> mergePairs(JsonNode merges) {
        List<String[]> out = new ArrayList<>(merges.size());
        for (JsonNode m : merges) {
            if (m.isArray()) {
                out.add(new String[] {m.get(0).asText(), m.get(1).asText()});
            } else {
                String s = m.asText();
                int space = s.indexOf(' ', 1);
                out.add(new String[] {s.substring(0, space), s.substring(space + 1)});
            }
        }
        return out;
    }
}
