package dev.sirocco.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@link Vocabulary} resolved the way llama.cpp's llama_vocab::impl::load resolves it: per-model defaults, the
 * pre-tokenizer family and its flags, token attributes fixed up from well-known texts, the end-of-generation set
 * and the special-token list that {@code tokenize} partitions text by.
 */
final class TokenTable {
    enum Kind { SPM, BPE, WPM, UGM }

    static final List<String> SUPPORTED_MODELS = List.of("llama", "gpt2", "gemma4", "bert", "t5");

    final Vocabulary vocabulary;
    final Kind kind;
    final String pre;
    final String[] texts;
    final float[] scores;
    final int[] attrs;
    final Map<String, Integer> ids;
    /** BPE merge ranks (null for the other tokenizer kinds). */
    final MergeRanks mergeRanks;

    PreTokenizer preTokenizer;
    boolean ignoreMerges;
    boolean escapeWhitespaces = true;
    boolean byteEncode = true;
    boolean cleanSpaces;
    boolean addSpacePrefix;
    boolean addBos;
    boolean addEos;
    boolean addSep;
    boolean removeExtraWhitespaces;
    boolean lowercase = true;
    boolean stripAccents;
    /** The longest token text in UTF-8 bytes (WordPiece matching never looks further). */
    int maxTokenLength;

    int bos, eos, eot = -1, eom = -1, unk, sep = -1, pad = -1, mask = -1;
    int fimPre = -1, fimSuf = -1, fimMid = -1, fimPad = -1, fimRep = -1, fimSep = -1;
    final Set<Integer> eog = new TreeSet<>();
    /** Control, user-defined and unknown tokens, longest text first: the order tokenizer_st_partition tries them. */
    final int[] specialCache;

    TokenTable(Vocabulary v) {
        this.vocabulary = v;
        String model = v.model();
        switch (model) {
            case "llama" -> {
                kind = Kind.SPM;
                bos = 1;
                eos = 2;
                unk = 0;
            }
            case "bert" -> {
                kind = Kind.WPM;
                bos = 101;
                eos = -1;
                unk = 100;
                sep = 102;
                pad = 0;
                mask = 103;
            }
            case "t5" -> {
                kind = Kind.UGM;
                bos = -1;
                eos = 1;
                unk = 2;
                pad = 0;
            }
            case "gpt2", "gemma4" -> {
                kind = Kind.BPE;
                if (v.merges() == null) {
                    throw new IllegalArgumentException("tokenizer.ggml.merges is missing for a '" + model + "' vocabulary");
                }
                bos = model.equals("gpt2") ? 11 : -1;
                eos = model.equals("gpt2") ? 11 : -1;
                unk = -1;
            }
            default -> throw new IllegalArgumentException("unsupported tokenizer.ggml.model '" + model
                    + "'; supported: " + SUPPORTED_MODELS);
        }
        String p = model.equals("gemma4") ? "gemma4" : (v.pre() == null || v.pre().isEmpty() ? "default" : v.pre());
        this.pre = p;
        if (kind == Kind.BPE) {
            addSpacePrefix = false;
            escapeWhitespaces = false;
            cleanSpaces = true;
            configurePre(p);
        } else if (kind == Kind.SPM) {
            // SPM ignores tokenizer.ggml.pre, as llama.cpp does
            addSpacePrefix = true;
            cleanSpaces = false;
            addBos = true;
            addEos = false;
        } else if (kind == Kind.WPM) {
            addSpacePrefix = false;
            cleanSpaces = true;
            addBos = true;
            addEos = false;
            addSep = true;
        } else {
            addBos = false;
            addEos = true;
        }
        if (v.addSpacePrefix() != null) {
            addSpacePrefix = v.addSpacePrefix();
        }
        if (v.removeExtraWhitespaces() != null) {
            removeExtraWhitespaces = v.removeExtraWhitespaces();
        }

        int n = v.size();
        texts = new String[n];
        scores = new float[n];
        attrs = new int[n];
        ids = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            String t = v.tokens()[i];
            if (t == null || t.isEmpty()) {
                t = "[EMPTY_" + i + "]";
            }
            texts[i] = t;
            ids.put(t, i);
            maxTokenLength = Math.max(maxTokenLength, t.getBytes(StandardCharsets.UTF_8).length);
            scores[i] = v.scores() == null ? 0f : v.scores()[i];
            attrs[i] = v.tokenTypes() == null ? TokenAttr.NORMAL : TokenAttr.fromType(v.tokenTypes()[i]);
        }
        mergeRanks = kind == Kind.BPE ? new MergeRanks(v.merges(), this) : null;

        resolveSpecialIds(v, n);
        if (v.normalizerLowercase() != null) {
            lowercase = v.normalizerLowercase();
        }
        stripAccents = v.normalizerStripAccents() != null ? v.normalizerStripAccents() : lowercase;
        detectSpecialTexts();
        collectEndOfGeneration();
        specialCache = buildSpecialCache();
        applyModelSpecificStrips(v);
    }

    static String pairKey(String left, String right) {
        return left + '\u0000' + right;
    }

    int rank(String left, String right) {
        return mergeRanks == null ? -1 : mergeRanks.rank(left, right, this);
    }

    int id(String text) {
        Integer id = ids.get(text);
        return id == null ? -1 : id;
    }

    int size() {
        return texts.length;
    }

    boolean has(int id, int attr) {
        return (attrs[id] & attr) != 0;
    }

    private void configurePre(String p) {
        switch (p) {
            case "default" -> preTokenizer = PreTokenizers.DEFAULT;
            case "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2", "jina-v5-nano" -> {
                preTokenizer = PreTokenizers.LLAMA3;
                ignoreMerges = true;
                addBos = true;
            }
            case "dbrx", "smaug-bpe" -> preTokenizer = PreTokenizers.LLAMA3;
            case "glm4", "chatglm-bpe" -> {
                preTokenizer = PreTokenizers.LLAMA3;
                bos = -1;
            }
            case "falcon" -> preTokenizer = PreTokenizers.FALCON;
            case "gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v2-es", "jina-v2-de", "a.x-4.0", "mellum",
                 "modern-bert", "mpt", "olmo", "jais", "exaone4" -> preTokenizer = PreTokenizers.GPT2;
            case "trillion", "granite-docling" -> {
                preTokenizer = PreTokenizers.GPT2;
                cleanSpaces = false;
            }
            case "jina-v1-en", "jina-v2-code", "roberta-bpe" -> {
                preTokenizer = PreTokenizers.GPT2;
                addSep = true;
            }
            case "starcoder", "refact", "codeshell", "exaone", "minerva-7b", "mellum2" -> preTokenizer = PreTokenizers.STARCODER;
            case "command-r", "smollm" -> {
                preTokenizer = PreTokenizers.STARCODER;
                cleanSpaces = false;
            }
            case "qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2", "hunyuan", "solar-open" -> {
                preTokenizer = PreTokenizers.QWEN2;
                cleanSpaces = false;
            }
            case "stablelm2", "megrez" -> preTokenizer = PreTokenizers.QWEN2;
            case "qwen35" -> {
                preTokenizer = PreTokenizers.QWEN35;
                cleanSpaces = false;
            }
            case "tekken" -> {
                preTokenizer = PreTokenizers.TEKKEN;
                cleanSpaces = false;
                ignoreMerges = true;
                addBos = true;
            }
            case "gpt-4o", "llama4", "kanana2", "talkie", "minimax-m2" -> {
                preTokenizer = PreTokenizers.GPT4O;
                cleanSpaces = false;
            }
            case "deepseek-llm" -> withoutCleanSpaces(PreTokenizers.DEEPSEEK_LLM);
            case "deepseek-coder" -> withoutCleanSpaces(PreTokenizers.DEEPSEEK_CODER);
            case "deepseek-v3", "hunyuan-dense", "joyai-llm", "hy_v4" -> withoutCleanSpaces(PreTokenizers.DEEPSEEK3);
            case "spark2_5" -> withoutCleanSpaces(PreTokenizers.SPARK2_5);
            case "youtu" -> {
                withoutCleanSpaces(PreTokenizers.YOUTU);
                ignoreMerges = true;
            }
            case "poro-chat" -> withoutCleanSpaces(PreTokenizers.BLOOM);
            case "bloom", "gpt3-finnish" -> preTokenizer = PreTokenizers.BLOOM;
            case "viking" -> withoutCleanSpaces(PreTokenizers.VIKING);
            case "chameleon" -> {
                withoutCleanSpaces(PreTokenizers.CHAMELEON);
                addBos = true;
            }
            case "granite-embed-multi-97m" -> {
                withoutCleanSpaces(PreTokenizers.GRANITE_EMB_MULTI);
                ignoreMerges = true;
            }
            case "bailingmoe", "bailingmoe2", "llada-moe" -> withoutCleanSpaces(PreTokenizers.BAILINGMOE);
            case "seed-coder" -> withoutCleanSpaces(PreTokenizers.SEED_CODER);
            case "ufakzeka" -> withoutCleanSpaces(PreTokenizers.UFAKZEKA);
            case "grok-2" -> withoutCleanSpaces(PreTokenizers.QWEN2); // same regex as qwen2
            case "laguna" -> withoutCleanSpaces(PreTokenizers.QWEN2_AFTER_NEWLINES);
            case "exaone-moe" -> preTokenizer = PreTokenizers.EXAONE_MOE;
            case "minicpm5" -> {
                preTokenizer = PreTokenizers.MINICPM5;
                ignoreMerges = true;
            }
            case "jais-2" -> preTokenizer = PreTokenizers.JAIS2;
            case "sarvam-moe" -> {
                preTokenizer = PreTokenizers.NEWLINES;
                escapeWhitespaces = true;
                byteEncode = false;
                cleanSpaces = false;
            }
            case "gemma4", "granite-embed-multi-311m" -> {
                preTokenizer = PreTokenizers.NEWLINES;
                escapeWhitespaces = true;
                byteEncode = false;
            }
            default -> throw new IllegalArgumentException("unsupported tokenizer.ggml.pre '" + p + "'; supported: "
                    + "default, llama3, llama-v3, llama-bpe, falcon3, falcon-h1, pixtral, midm-2.0, lfm2, jina-v5-nano, "
                    + "dbrx, smaug-bpe, glm4, chatglm-bpe, falcon, gpt-2, phi-2, jina-es, jina-de, gigachat, jina-v2-es, "
                    + "jina-v2-de, a.x-4.0, mellum, modern-bert, mpt, olmo, jais, exaone4, trillion, granite-docling, "
                    + "jina-v1-en, jina-v2-code, roberta-bpe, starcoder, refact, codeshell, exaone, minerva-7b, mellum2, "
                    + "command-r, smollm, qwen2, deepseek-r1-qwen, kormo, f2llmv2, hunyuan, solar-open, stablelm2, megrez, qwen35, "
                    + "tekken, gpt-4o, llama4, kanana2, talkie, minimax-m2, gemma4, granite-embed-multi-311m, deepseek-llm, "
                    + "deepseek-coder, deepseek-v3, hunyuan-dense, joyai-llm, hy_v4, spark2_5, youtu, poro-chat, bloom, "
                    + "gpt3-finnish, viking, chameleon, granite-embed-multi-97m, bailingmoe, bailingmoe2, llada-moe, seed-coder, "
                    + "ufakzeka, grok-2, laguna, exaone-moe, minicpm5, jais-2, sarvam-moe (not: kimi-k2, afmoe, tiny_aya, "
                    + "cohere2moe, superbpe, whitespace)");
        }
    }

    private void withoutCleanSpaces(PreTokenizer p) {
        preTokenizer = p;
        cleanSpaces = false;
    }

    private void resolveSpecialIds(Vocabulary v, int n) {
        bos = resolve(bos, v.bos(), n);
        eos = resolve(eos, v.eos(), n);
        eot = resolve(eot, v.eot(), n);
        eom = resolve(eom, v.eom(), n);
        unk = resolve(unk, v.unk(), n);
        sep = resolve(sep, v.sep(), n);
        pad = resolve(pad, v.pad(), n);
        mask = resolve(mask, v.mask(), n);
        fimPre = resolve(fimPre, v.fimPre(), n);
        fimSuf = resolve(fimSuf, v.fimSuf(), n);
        fimMid = resolve(fimMid, v.fimMid(), n);
        fimPad = resolve(fimPad, v.fimPad(), n);
        fimRep = resolve(fimRep, v.fimRep(), n);
        fimSep = resolve(fimSep, v.fimSep(), n);
        if (v.addBos() != null) {
            addBos = v.addBos();
        }
        if (v.addEos() != null) {
            addEos = v.addEos();
        }
        if (v.addSep() != null) {
            addSep = v.addSep();
        }
        if (pre.equals("gemma4") || pre.equals("granite-embed-multi-311m")) {
            addBos = true; // llama.cpp forces BOS for the Gemma 4 pre-tokenizer family
        }
    }

    /** A default out of range is dropped; a stored id out of range is ignored (llama.cpp warns and keeps the default). */
    private static int resolve(int defaultId, int stored, int n) {
        int id = defaultId >= n ? -1 : defaultId;
        if (stored >= 0 && stored < n) {
            id = stored;
        }
        return id;
    }

    private static final List<String> EOT_TEXTS = List.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",
            "<|endoftext|>", "<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>", "<end_of_utterance>");
    private static final List<String> EOM_TEXTS = List.of("<|eom_id|>");
    private static final List<String> FIM_PRE_TEXTS = List.of("<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>",
            "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>");
    private static final List<String> FIM_SUF_TEXTS = List.of("<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>",
            "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>");
    private static final List<String> FIM_MID_TEXTS = List.of("<|fim_middle|>", "<fim-middle>", "<fim_middle>",
            "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>");
    private static final List<String> FIM_PAD_TEXTS = List.of("<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]");
    private static final List<String> FIM_REP_TEXTS = List.of("<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>");
    private static final List<String> FIM_SEP_TEXTS = List.of("<|file_sep|>");
    private static final Set<String> EOG_TEXTS = Set.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>",
            "<|flush|>", "<|calls|>", "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]",
            "[EOS]", "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>",
            "<｜end▁of▁sentence｜>", "[e~[");

    /**
     * llama.cpp fills missing EOT/EOM/FIM ids from well-known texts. It walks a hash map, so when several candidate
     * texts exist the pick is unspecified there; here the lowest id wins. Matched tokens become control tokens.
     */
    private void detectSpecialTexts() {
        if (eot < 0) eot = firstWithText(EOT_TEXTS);
        if (eom < 0) eom = firstWithText(EOM_TEXTS);
        if (fimPre < 0) fimPre = firstWithText(FIM_PRE_TEXTS);
        if (fimSuf < 0) fimSuf = firstWithText(FIM_SUF_TEXTS);
        if (fimMid < 0) fimMid = firstWithText(FIM_MID_TEXTS);
        if (fimPad < 0) fimPad = firstWithText(FIM_PAD_TEXTS);
        if (fimRep < 0) fimRep = firstWithText(FIM_REP_TEXTS);
        if (fimSep < 0) fimSep = firstWithText(FIM_SEP_TEXTS);
        // control tokens named "unused" are unused
        for (int i = 0; i < texts.length; i++) {
            if (has(i, TokenAttr.CONTROL) && texts[i].contains("unused")) {
                attrs[i] |= TokenAttr.UNUSED;
            }
        }
    }

    private int firstWithText(List<String> candidates) {
        int best = -1;
        for (String c : candidates) {
            Integer id = ids.get(c);
            if (id != null && (best < 0 || id < best)) {
                best = id;
            }
        }
        if (best >= 0) {
            attrs[best] |= TokenAttr.CONTROL;
        }
        return best;
    }

    private void collectEndOfGeneration() {
        for (int id : new int[] {fimPad, fimRep, fimSep}) {
            if (id >= 0) {
                eog.add(id);
            }
        }
        for (Map.Entry<String, Integer> e : ids.entrySet()) {
            if (EOG_TEXTS.contains(e.getKey())) {
                eog.add(e.getValue());
                attrs[e.getValue()] |= TokenAttr.CONTROL;
            }
        }
        // gpt-oss: these are always rendered
        for (String t : List.of("<|channel|>", "<|message|>", "<|start|>", "<|constrain|>")) {
            Integer id = ids.get(t);
            if (id != null) {
                attrs[id] = TokenAttr.USER_DEFINED;
            }
        }
        for (int id : new int[] {eos, eot, eom}) {
            if (id >= 0) {
                eog.add(id);
            }
        }
        // o200k_harmony and solar-open: <|end|> ends a message, not the generation
        boolean hasReturn = false, hasCall = false, hasFlush = false;
        int end = -1;
        for (int id : eog) {
            switch (texts[id]) {
                case "<|return|>" -> hasReturn = true;
                case "<|call|>", "<|calls|>" -> hasCall = true;
                case "<|flush|>" -> hasFlush = true;
                case "<|end|>" -> end = id;
                default -> { }
            }
        }
        if (end >= 0 && ((hasReturn && hasCall) || (hasCall && hasFlush))) {
            eog.remove(end);
            attrs[end] = TokenAttr.USER_DEFINED;
        }
        // gemma4 and paddleocr: </s> is not an end of generation when <|tool_response> is
        int s = -1;
        boolean hasToolResponse = false;
        for (int id : eog) {
            if (texts[id].equals("<|tool_response>")) {
                hasToolResponse = true;
            } else if (texts[id].equals("</s>")) {
                s = id;
            }
        }
        if (hasToolResponse && s >= 0) {
            eog.remove(s);
            attrs[s] = TokenAttr.NORMAL;
        }
    }

    /**
     * llama.cpp sets these by model name because GGUF does not store lstrip/rstrip: Phi-3 eats the spaces after its
     * special tokens (but not after unk, BOS and endoftext), some embedding models the spaces before their mask token.
     */
    private void applyModelSpecificStrips(Vocabulary v) {
        String name = v.generalName() == null ? "" : v.generalName().toLowerCase(java.util.Locale.ROOT);
        String arch = v.generalArchitecture() == null ? "" : v.generalArchitecture();
        String rawPre = v.pre() == null ? "" : v.pre();
        if (rawPre.contains("jina-v2-de") || rawPre.contains("jina-v2-es") || rawPre.contains("jina-v2-code")
                || arch.contains("nomic-bert-moe") || arch.contains("jina-bert-v3")) {
            setAttr("<mask>", TokenAttr.LSTRIP, true);
        } else if (name.contains("phi-3") || name.contains("phi3")) {
            for (int id : specialCache) {
                attrs[id] |= TokenAttr.RSTRIP;
            }
            setAttr("</s>", TokenAttr.RSTRIP, true);
            for (String t : List.of("<unk>", "<s>", "<|endoftext|>")) {
                setAttr(t, TokenAttr.RSTRIP, false);
            }
        } else if (name.contains("modern-bert")) {
            setAttr("[MASK]", TokenAttr.LSTRIP, true);
        }
    }

    private void setAttr(String text, int attr, boolean on) {
        Integer id = ids.get(text);
        if (id != null) {
            attrs[id] = on ? attrs[id] | attr : attrs[id] & ~attr;
        }
    }

    private int[] buildSpecialCache() {
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            if (has(i, TokenAttr.CONTROL | TokenAttr.USER_DEFINED | TokenAttr.UNKNOWN)) {
                list.add(i);
            }
        }
        // llama.cpp's std::sort leaves equal lengths in an unspecified order; ties go to the lower id here
        // (lengths in UTF-8 bytes, as there)
        list.sort(Comparator.comparingInt((Integer i) -> -texts[i].getBytes(StandardCharsets.UTF_8).length)
                .thenComparingInt(i -> i));
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    SpecialTokens specialTokens() {
        return new SpecialTokens(bos, eos, eot, eom, unk, sep, pad, mask, fimPre, fimSuf, fimMid, fimPad, fimRep, fimSep,
                addBos, addEos, addSep, addSpacePrefix, Collections.unmodifiableSet(new TreeSet<>(eog)));
    }
}
