package dev.sirocco.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tokenizer part of a GGUF file written by {@link RandomModels}: {@code tokenizer.ggml.*} metadata (and
 * anything else to put beside it, such as {@code tokenizer.chat_template}), in insertion order. (The engine's
 * tokenizer model is {@code dev.sirocco.engine.tokenizer.Vocabulary}; this is only what goes into the file.)
 *
 * <p>Values are written by Java type: {@code String} as a string, {@code String[]} as a string array,
 * {@code float[]} as an F32 array, {@code int[]} as an I32 array, {@code Boolean} as a bool, {@code Integer}
 * or {@code Long} as a UINT32 (token ids are UINT32 in GGUF), {@code Float} as an F32, {@code byte[]} as a UINT8 array.
 *
 * @param metadata key to value; must hold {@code tokenizer.ggml.tokens} (a {@code String[]}), whose length is
 *                 the vocabulary size and so the row count of {@code token_embd} and {@code output}
 */
public record TokenizerMetadata(Map<String, Object> metadata) {

    public static final int UNK = 0;
    public static final int BOS = 1;
    public static final int EOS = 2;

    // llama.h llama_token_type
    private static final int NORMAL = 1;
    private static final int UNKNOWN = 2;
    private static final int CONTROL = 3;
    private static final int BYTE = 6;

    private static final String WORDS = "the of and to in is it that was for on are with as be at by this have from or"
            + " one had not but what all were when we there can an your which their said if do will each about how up"
            + " out them then she many some so these would other into has more her two like him see time could no make"
            + " than first been its who now people my made over did down only way find use may water long little very"
            + " after words called just where most know hello world sirocco wind java model token";

    public TokenizerMetadata {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        if (!(metadata.get("tokenizer.ggml.tokens") instanceof String[])) {
            throw new IllegalArgumentException("vocabulary metadata needs tokenizer.ggml.tokens as a String[]");
        }
        for (Map.Entry<String, Object> e : metadata.entrySet()) {
            Object v = e.getValue();
            if (!(v instanceof String || v instanceof String[] || v instanceof float[] || v instanceof int[]
                    || v instanceof byte[] || v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof Float)) {
                throw new IllegalArgumentException("unsupported metadata value type for " + e.getKey() + ": "
                        + (v == null ? "null" : v.getClass().getName()));
            }
        }
    }

    /** Wraps given tokenizer metadata (for instance a real vocabulary converted from a Hugging Face tokenizer.json). */
    public static TokenizerMetadata of(Map<String, Object> metadata) {
        return new TokenizerMetadata(metadata);
    }

    /** Number of tokens (= rows of the embedding and output matrices). */
    public int size() {
        return ((String[]) metadata.get("tokenizer.ggml.tokens")).length;
    }

    /** The token strings, by id. */
    public String[] tokens() {
        return ((String[]) metadata.get("tokenizer.ggml.tokens")).clone();
    }

    /**
     * A small SentencePiece-style ("llama") vocabulary: {@code <unk>}=0, {@code <s>}=1, {@code </s>}=2, the 256
     * byte tokens {@code <0x00>..<0xFF>} (so any text tokenizes, by byte fallback), single characters, about 150
     * English words with every prefix (so SPM's pairwise merges can reach them), and two control tokens
     * {@code <|ctl_begin|>} and {@code <|ctl_end|>} at the end (not {@code <|start|>}/{@code <|end|>}: llama.cpp
     * retypes tokens with those texts by name, for gpt-oss and Phi-3). Adds BOS, not EOS, and a space prefix, like Llama 2.
     * Scores fall with the id, so earlier pieces merge first. About 700 tokens.
     */
    public static TokenizerMetadata syntheticSpm() {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<Integer> types = new ArrayList<>(List.of(UNKNOWN, CONTROL, CONTROL));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            types.add(BYTE);
        }
        Set<String> pieces = new LinkedHashSet<>();
        String chars = "▁abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?'-:;()\"";
        chars.codePoints().forEach(cp -> pieces.add(Character.toString(cp)));
        for (String word : WORDS.split(" ")) {
            String w = "▁" + word;
            for (int end = 2; end <= w.length(); end++) {
                pieces.add(w.substring(0, end));
            }
            for (int end = 2; end <= word.length(); end++) {
                pieces.add(word.substring(0, end)); // word-internal pieces too, for text without a leading space
            }
        }
        for (String p : pieces) {
            tokens.add(p);
            types.add(NORMAL);
        }
        tokens.add("<|ctl_begin|>");
        types.add(CONTROL);
        tokens.add("<|ctl_end|>");
        types.add(CONTROL);

        float[] scores = new float[tokens.size()];
        for (int i = 0; i < scores.length; i++) {
            // SPM merges the highest-scoring pair first; special and byte tokens are never merge results.
            scores[i] = types.get(i) == NORMAL ? -i : 0f;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tokenizer.ggml.model", "llama");
        m.put("tokenizer.ggml.pre", "default");
        m.put("tokenizer.ggml.tokens", tokens.toArray(new String[0]));
        m.put("tokenizer.ggml.scores", scores);
        m.put("tokenizer.ggml.token_type", types.stream().mapToInt(Integer::intValue).toArray());
        m.put("tokenizer.ggml.bos_token_id", BOS);
        m.put("tokenizer.ggml.eos_token_id", EOS);
        m.put("tokenizer.ggml.unknown_token_id", UNK);
        m.put("tokenizer.ggml.add_bos_token", true);
        m.put("tokenizer.ggml.add_eos_token", false);
        return new TokenizerMetadata(m);
    }

    /**
     * A small byte-level BPE ("gpt2") vocabulary like Qwen's: the 256 byte symbols of GPT-2's byte-to-unicode map
     * (ids 0-255, by byte), the merges spelling the same English words with and without a leading space
     * ({@code Ġthe}, {@code the}; the spaced forms rank first so a spaced word merges into one token), then
     * {@code <|endoftext|>} (BOS), {@code <|im_start|>} and {@code <|im_end|>} (EOS) as control tokens. No BOS is
     * added, as in Qwen. {@code pre} is the pre-tokenizer llama.cpp applies ("qwen2", "llama-bpe", "default", ...).
     */
    public static TokenizerMetadata syntheticBpe(String pre) {
        String[] byteSymbol = gpt2ByteSymbols();
        List<String> tokens = new ArrayList<>(List.of(byteSymbol));
        Set<String> known = new LinkedHashSet<>(tokens);
        List<String> merges = new ArrayList<>();
        String[] words = WORDS.split(" ");
        for (boolean spaced : new boolean[] {true, false}) {
            for (String word : words) {
                String w = (spaced ? byteSymbol[' '] : "") + word;
                String piece = w.substring(0, 1);
                for (int i = 1; i < w.length(); i++) {
                    String next = piece + w.charAt(i);
                    if (known.add(next)) {
                        merges.add(piece + " " + w.charAt(i));
                        tokens.add(next);
                    }
                    piece = next;
                }
            }
        }
        int[] types = new int[tokens.size() + 3];
        java.util.Arrays.fill(types, NORMAL);
        int endOfText = tokens.size();
        tokens.add("<|endoftext|>");
        tokens.add("<|im_start|>");
        tokens.add("<|im_end|>");
        types[endOfText] = types[endOfText + 1] = types[endOfText + 2] = CONTROL;

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tokenizer.ggml.model", "gpt2");
        m.put("tokenizer.ggml.pre", pre);
        m.put("tokenizer.ggml.tokens", tokens.toArray(new String[0]));
        m.put("tokenizer.ggml.token_type", types);
        m.put("tokenizer.ggml.merges", merges.toArray(new String[0]));
        m.put("tokenizer.ggml.bos_token_id", endOfText);
        m.put("tokenizer.ggml.eos_token_id", endOfText + 2);
        m.put("tokenizer.ggml.padding_token_id", endOfText);
        m.put("tokenizer.ggml.add_bos_token", false);
        return new TokenizerMetadata(m);
    }

    // GPT-2's bytes_to_unicode: printable bytes stand for themselves, the others for U+0100 upwards in byte order.
    private static String[] gpt2ByteSymbols() {
        String[] out = new String[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            out[b] = Character.toString(printable ? b : next++);
        }
        return out;
    }
}
