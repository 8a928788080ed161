package dev.sirocco.models.convert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sirocco.models.ModelRequestException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A SentencePiece vocabulary as llama.cpp's {@code _create_vocab_sentencepiece} writes it ({@code tokenizer.ggml.model
 * = llama}): tokens, scores and types by id, padded with unused {@code [PAD<id>]} tokens up to config.json's
 * vocab_size, then tokenizer_config.json's added_tokens_decoder applied (special or special-looking tokens become
 * control tokens, the others user-defined, both scored -1000).
 *
 * <p>From a {@code tokenizer.model} the pieces are taken as they are. From a SentencePiece-style {@code tokenizer.json}
 * (BPE with byte_fallback: Llama 2, Mistral v0.1-v0.3, Gemma) the scores are reconstructed, where llama.cpp's
 * LlamaHfVocab would write -1000 for every token and so lose the merge order its SentencePiece tokenizer needs: a
 * SentencePiece BPE model scores its pieces in the order they are merged and HF's export lists the merges in that
 * order, so a piece scores minus the rank of the first merge that forms it; runs of ▁ and multi-character pieces no
 * merge forms score -1e9 (as in Llama 2's tokenizer.model); single characters 0.
 */
public record SentencePieceVocab(String[] tokens, float[] scores, int[] types) {
    private static final Pattern BYTE_TOKEN = Pattern.compile("<0x[0-9A-Fa-f]{2}>");

    public int size() {
        return tokens.length;
    }

    /** From tokenizer.model's pieces. */
    public static SentencePieceVocab fromModel(List<SentencePieceModelFile.Piece> pieces, int vocabSize, JsonNode tokenizerConfig) {
        int n = vocabSize > 0 ? vocabSize : pieces.size();
        SentencePieceVocab v = padded(n);
        for (int id = 0; id < Math.min(n, pieces.size()); id++) {
            SentencePieceModelFile.Piece p = pieces.get(id);
            v.tokens[id] = p.text();
            v.scores[id] = p.score();
            // the script asks IsUnknown, IsControl, IsUnused, IsByte: user-defined pieces count as normal
            v.types[id] = switch (p.type()) {
                case SentencePieceModelFile.UNKNOWN, SentencePieceModelFile.CONTROL, SentencePieceModelFile.UNUSED,
                     SentencePieceModelFile.BYTE -> p.type();
                default -> SentencePieceModelFile.NORMAL;
            };
        }
        v.applyAddedTokensDecoder(tokenizerConfig);
        return v;
    }

    /** From a BPE tokenizer.json with byte_fallback, scores reconstructed from the merges. */
    public static SentencePieceVocab fromTokenizerJson(JsonNode tokenizer, int vocabSize, JsonNode tokenizerConfig) {
        JsonNode model = tokenizer.path("model");
        Map<Integer, String> byId = new HashMap<>();
        model.path("vocab").properties().forEach(e -> byId.put(e.getValue().asInt(), e.getKey()));
        Map<String, Boolean> addedSpecial = new HashMap<>();
        for (JsonNode a : tokenizer.path("added_tokens")) {
            byId.put(a.path("id").asInt(), a.path("content").asText());
            addedSpecial.put(a.path("content").asText(), a.path("special").asBoolean());
        }
        int own = byId.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        if (vocabSize > 0 && vocabSize < own) {
            throw new ModelRequestException("config.json's vocab_size " + vocabSize + " is smaller than the tokenizer's " + own + " tokens");
        }
        Map<String, Integer> firstMerge = new HashMap<>();
        int rank = 0;
        for (JsonNode m : model.path("merges")) {
            String joined;
            if (m.isArray()) {
                joined = m.get(0).asText() + m.get(1).asText();
            } else {
                String s = m.asText();
                int space = s.indexOf(' ', 1);
                if (space < 0) {
                    throw new ModelRequestException("tokenizer.json merge " + rank + " '" + s + "' is not two parts");
                }
                joined = s.substring(0, space) + s.substring(space + 1);
            }
            firstMerge.putIfAbsent(joined, rank++);
        }
        String unk = model.path("unk_token").asText(null);
        SentencePieceVocab v = padded(vocabSize > 0 ? vocabSize : own);
        for (Map.Entry<Integer, String> e : byId.entrySet()) {
            int id = e.getKey();
            String t = e.getValue();
            v.tokens[id] = t;
            Integer r = firstMerge.get(t);
            boolean multi = t.codePointCount(0, t.length()) > 1;
            if (multi && t.chars().allMatch(c -> c == '\u2581')) {
                v.scores[id] = -1e9f;
            } else {
                v.scores[id] = r != null ? -r - 1 : multi ? -1e9f : 0f;
            }
            if (t.equals(unk)) {
                v.types[id] = SentencePieceModelFile.UNKNOWN;
            } else if (addedSpecial.getOrDefault(t, false)) {
                v.types[id] = SentencePieceModelFile.CONTROL; // SentencePiece's control pieces (<s>, </s>, <pad>, ...)
            } else if (BYTE_TOKEN.matcher(t).matches()) {
                v.types[id] = SentencePieceModelFile.BYTE;
            } else {
                v.types[id] = SentencePieceModelFile.NORMAL;
            }
        }
        v.applyAddedTokensDecoder(tokenizerConfig);
        return v;
    }

    private static SentencePieceVocab padded(int n) {
        SentencePieceVocab v = new SentencePieceVocab(new String[n], new float[n], new int[n]);
        for (int i = 0; i < n; i++) {
            v.tokens[i] = "[PAD" + i + "]";
            v.scores[i] = -10000f;
            v.types[i] = SentencePieceModelFile.UNUSED;
        }
        return v;
    }

    private void applyAddedTokensDecoder(JsonNode tokenizerConfig) {
        if (tokenizerConfig == null) {
            return;
        }
        tokenizerConfig.path("added_tokens_decoder").properties().forEach(e -> {
            int id;
            try {
                id = Integer.parseInt(e.getKey());
            } catch (NumberFormatException bad) {
                throw new ModelRequestException("tokenizer_config.json's added_tokens_decoder has a non-numeric id '" + e.getKey() + "'");
            }
            if (id < 0 || id >= tokens.length) {
                return; // the script warns and skips ids past vocab_size
            }
            String content = e.getValue().path("content").asText();
            if (e.getValue().path("special").asBoolean() || HfTokenizerMetadata.looksSpecial(content)) {
                types[id] = SentencePieceModelFile.CONTROL;
            } else {
                content = content.replace('\u2581', ' '); // pre-normalized user-defined spaces
                types[id] = SentencePieceModelFile.USER_DEFINED;
            }
            scores[id] = -1000f;
            tokens[id] = content;
        });
    }
}
