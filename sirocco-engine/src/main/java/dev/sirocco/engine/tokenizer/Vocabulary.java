package dev.sirocco.engine.tokenizer;

/**
 * The tokenizer metadata of a GGUF file ({@code tokenizer.ggml.*}), as stored: absent keys stay absent
 * (-1 for ids, {@code null} for flags) so that {@link Tokenizer#create} can apply llama.cpp's per-model defaults.
 *
 * <p>Token types follow gguf's {@code TokenType}: 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte.
 * Arrays are not copied; callers must not change them after construction.
 *
 * @param model                  {@code tokenizer.ggml.model}: "llama" (SentencePiece), "gpt2" (byte-level BPE), "gemma4"
 * @param pre                    {@code tokenizer.ggml.pre}; {@code null} or empty means "default", as in llama.cpp
 * @param tokens                 {@code tokenizer.ggml.tokens}, indexed by id
 * @param scores                 {@code tokenizer.ggml.scores} or {@code null} (all 0)
 * @param tokenTypes             {@code tokenizer.ggml.token_type} or {@code null} (all normal)
 * @param merges                 {@code tokenizer.ggml.merges} ("left right", rank = index) or {@code null}
 * @param bos                    ids, -1 when absent: {@code tokenizer.ggml.bos_token_id}, {@code eos_token_id},
 *                               {@code eot_token_id}, {@code eom_token_id}, {@code unknown_token_id},
 *                               {@code seperator_token_id} (sic), {@code padding_token_id}, {@code mask_token_id},
 *                               {@code fim_pre/suf/mid/pad/rep/sep_token_id}; the deprecated
 *                               {@code prefix/suffix/middle_token_id} fill fimPre/fimSuf/fimMid and win over the
 *                               new keys when both are present, as in llama.cpp
 * @param addBos                 {@code tokenizer.ggml.add_bos_token}, {@code null} when absent
 * @param addEos                 {@code tokenizer.ggml.add_eos_token}, {@code null} when absent
 * @param addSep                 {@code tokenizer.ggml.add_sep_token}, {@code null} when absent
 * @param addSpacePrefix         {@code tokenizer.ggml.add_space_prefix}, {@code null} when absent
 * @param removeExtraWhitespaces {@code tokenizer.ggml.remove_extra_whitespaces}, {@code null} when absent
 *                               (llama.cpp reads it but only its UGM tokenizer uses it)
 * @param generalName            {@code general.name} or {@code null}: llama.cpp strips spaces around the special
 *                               tokens of models named Phi-3, and left of [MASK] for ModernBERT
 * @param generalArchitecture    {@code general.architecture} or {@code null}: same, for some embedding models
 * @param normalizerLowercase    {@code tokenizer.ggml.normalizer.lowercase} (BERT vocabularies), {@code null} when absent
 * @param normalizerStripAccents {@code tokenizer.ggml.normalizer.strip_accents}, {@code null} when absent
 * @param precompiledCharsmap    {@code tokenizer.ggml.precompiled_charsmap} (T5/Unigram vocabularies) or {@code null}
 */
public record Vocabulary(
        String model, String pre, String[] tokens, float[] scores, int[] tokenTypes, String[] merges,
        int bos, int eos, int eot, int eom, int unk, int sep, int pad, int mask,
        int fimPre, int fimSuf, int fimMid, int fimPad, int fimRep, int fimSep,
        Boolean addBos, Boolean addEos, Boolean addSep, Boolean addSpacePrefix, Boolean removeExtraWhitespaces,
        String generalName, String generalArchitecture, Boolean normalizerLowercase, Boolean normalizerStripAccents,
        byte[] precompiledCharsmap) {

    public static final int TYPE_UNDEFINED = 0;
    public static final int TYPE_NORMAL = 1;
    public static final int TYPE_UNKNOWN = 2;
    public static final int TYPE_CONTROL = 3;
    public static final int TYPE_USER_DEFINED = 4;
    public static final int TYPE_UNUSED = 5;
    public static final int TYPE_BYTE = 6;

    public Vocabulary {
        if (model == null || tokens == null) {
            throw new IllegalArgumentException("a vocabulary needs tokenizer.ggml.model and tokenizer.ggml.tokens");
        }
        if (scores != null && scores.length < tokens.length) {
            throw new IllegalArgumentException("tokenizer.ggml.scores has " + scores.length + " entries for " + tokens.length + " tokens");
        }
        if (tokenTypes != null && tokenTypes.length < tokens.length) {
            throw new IllegalArgumentException("tokenizer.ggml.token_type has " + tokenTypes.length + " entries for " + tokens.length + " tokens");
        }
    }

    public int size() {
        return tokens.length;
    }

    /** Starts a vocabulary with every optional key absent. */
    public static Builder builder(String model, String pre, String[] tokens) {
        return new Builder(model, pre, tokens);
    }

    /** A builder holding this vocabulary's values, to derive a variant. */
    public Builder toBuilder() {
        return new Builder(model, pre, tokens).scores(scores).tokenTypes(tokenTypes).merges(merges)
                .bos(bos).eos(eos).eot(eot).eom(eom).unk(unk).sep(sep).pad(pad).mask(mask)
                .fimPre(fimPre).fimSuf(fimSuf).fimMid(fimMid).fimPad(fimPad).fimRep(fimRep).fimSep(fimSep)
                .addBos(addBos).addEos(addEos).addSep(addSep).addSpacePrefix(addSpacePrefix)
                .removeExtraWhitespaces(removeExtraWhitespaces).generalName(generalName)
                .generalArchitecture(generalArchitecture).normalizerLowercase(normalizerLowercase)
                .normalizerStripAccents(normalizerStripAccents).precompiledCharsmap(precompiledCharsmap);
    }

    /** Fills the optional keys one by one; ids left at -1 and flags left {@code null} mean "absent from the file". */
    public static final class Builder {
        private final String model;
        private String pre;
        private final String[] tokens;
        private float[] scores;
        private int[] tokenTypes;
        private String[] merges;
        private int bos = -1, eos = -1, eot = -1, eom = -1, unk = -1, sep = -1, pad = -1, mask = -1;
        private int fimPre = -1, fimSuf = -1, fimMid = -1, fimPad = -1, fimRep = -1, fimSep = -1;
        private Boolean addBos, addEos, addSep, addSpacePrefix, removeExtraWhitespaces;
        private String generalName, generalArchitecture;
        private Boolean normalizerLowercase, normalizerStripAccents;
        private byte[] precompiledCharsmap;

        private Builder(String model, String pre, String[] tokens) {
            this.model = model;
            this.pre = pre;
            this.tokens = tokens;
        }

        public Builder pre(String v) { pre = v; return this; }
        public Builder scores(float[] v) { scores = v; return this; }
        public Builder tokenTypes(int[] v) { tokenTypes = v; return this; }
        public Builder merges(String[] v) { merges = v; return this; }
        public Builder bos(int v) { bos = v; return this; }
        public Builder eos(int v) { eos = v; return this; }
        public Builder eot(int v) { eot = v; return this; }
        public Builder eom(int v) { eom = v; return this; }
        public Builder unk(int v) { unk = v; return this; }
        public Builder sep(int v) { sep = v; return this; }
        public Builder pad(int v) { pad = v; return this; }
        public Builder mask(int v) { mask = v; return this; }
        public Builder fimPre(int v) { fimPre = v; return this; }
        public Builder fimSuf(int v) { fimSuf = v; return this; }
        public Builder fimMid(int v) { fimMid = v; return this; }
        public Builder fimPad(int v) { fimPad = v; return this; }
        public Builder fimRep(int v) { fimRep = v; return this; }
        public Builder fimSep(int v) { fimSep = v; return this; }
        public Builder addBos(Boolean v) { addBos = v; return this; }
        public Builder addEos(Boolean v) { addEos = v; return this; }
        public Builder addSep(Boolean v) { addSep = v; return this; }
        public Builder addSpacePrefix(Boolean v) { addSpacePrefix = v; return this; }
        public Builder removeExtraWhitespaces(Boolean v) { removeExtraWhitespaces = v; return this; }
        public Builder generalName(String v) { generalName = v; return this; }
        public Builder generalArchitecture(String v) { generalArchitecture = v; return this; }
        public Builder normalizerLowercase(Boolean v) { normalizerLowercase = v; return this; }
        public Builder normalizerStripAccents(Boolean v) { normalizerStripAccents = v; return this; }
        public Builder precompiledCharsmap(byte[] v) { precompiledCharsmap = v; return this; }

        public Vocabulary build() {
            return new Vocabulary(model, pre, tokens, scores, tokenTypes, merges,
                    bos, eos, eot, eom, unk, sep, pad, mask, fimPre, fimSuf, fimMid, fimPad, fimRep, fimSep,
                    addBos, addEos, addSep, addSpacePrefix, removeExtraWhitespaces, generalName, generalArchitecture,
                    normalizerLowercase, normalizerStripAccents, precompiledCharsmap);
        }
    }
}
